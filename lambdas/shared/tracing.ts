import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

/**
 * X-Ray tracing in one module instead of Powertools' Tracer with aws-xray-sdk-core (~100 KB and ~40 ms
 * of every cold start, async_hooks included). With active tracing Lambda records the function's segment
 * itself; what a function adds are subsegments under it: `## <function>` around each invocation (annotated
 * ColdStart and Service, as Powertools did), one per AWS SDK call (namespace `aws`) and one per Redis or
 * PostgreSQL call (namespace `remote`).
 *
 * Each subsegment is sent when it closes, as a standalone subsegment document over UDP to the daemon
 * Lambda runs (AWS_XRAY_DAEMON_ADDRESS), the protocol of the X-Ray SDKs: a `{"format":"json","version":1}`
 * line, then the document. Outside Lambda, with TRACING_ENABLED=false, without a trace header or with
 * Sampled=0, nothing is recorded and the wrapped work just runs.
 */

/** The trace and the open subsegment (or the Lambda segment) new subsegments go under. */
interface TraceContext {
  traceId: string;
  parentId: string;
  /** The header's other fields (Lineage: Lambda's recursive-loop detection counts hops in it), passed on as they came. */
  extra: string;
}

interface StackFrame {
  label: string;
  path: string;
  line: number;
}

export interface SubsegmentDocument {
  type: 'subsegment';
  id: string;
  trace_id: string;
  parent_id: string;
  name: string;
  start_time: number;
  end_time: number;
  namespace?: 'aws' | 'remote';
  annotations?: Record<string, string | number | boolean>;
  aws?: Record<string, unknown>;
  http?: { response: { status: number } };
  error?: boolean;
  throttle?: boolean;
  fault?: boolean;
  cause?: { exceptions: Array<{ id: string; type: string; message: string; remote?: boolean; stack?: StackFrame[] }> };
}

const open = new AsyncLocalStorage<TraceContext>();
const newId = () => randomBytes(8).toString('hex');
const now = () => Date.now() / 1000;

/** On in Lambda (AWS_EXECUTION_ENV) unless TRACING_ENABLED=false; tests switch it on by setting both. */
export const tracingEnabled = (): boolean => Boolean(process.env.AWS_EXECUTION_ENV) && process.env.TRACING_ENABLED !== 'false';

/**
 * The invocation's trace header (`Root=1-...;Parent=...;Sampled=1;Lineage=...`): the runtime keeps it per
 * invocation in its InvokeStore (several invocations may share a process), else in `_X_AMZN_TRACE_ID`.
 */
const traceHeader = (): string | undefined =>
  (globalThis as { awslambda?: { InvokeStore?: { getXRayTraceId(): string | undefined } } }).awslambda?.InvokeStore?.getXRayTraceId() ??
  process.env._X_AMZN_TRACE_ID;

/** The sampled trace of this invocation, parented on Lambda's segment, or undefined. */
export const invocationTrace = (header = traceHeader()): TraceContext | undefined => {
  if (!header || !tracingEnabled()) return undefined;
  const parts = header.split(';').map((part) => part.trim());
  const fields = new Map(parts.map((part) => part.split('=') as [string, string]));
  const [traceId, parentId] = [fields.get('Root'), fields.get('Parent')];
  const extra = parts.filter((part) => part && !/^(Root|Parent|Sampled)=/.test(part)).join(';');
  return traceId && parentId && fields.get('Sampled') === '1' ? { traceId, parentId, extra } : undefined;
};

/** The header a call made under `context` passes on: this trace, parented on the call's subsegment. */
const downstreamHeader = (context: TraceContext): string =>
  `Root=${context.traceId};Parent=${context.parentId};Sampled=1${context.extra ? `;${context.extra}` : ''}`;

/** `host:port`, or the daemon's `tcp:host:port udp:host:port` form (subsegments go over UDP). */
const daemonAddress = (): { host: string; port: number } => {
  const value = process.env.AWS_XRAY_DAEMON_ADDRESS ?? '127.0.0.1:2000';
  const udp = value.split(/\s+/).find((part) => part.startsWith('udp:')) ?? value;
  const [host, port] = udp.replace(/^udp:/, '').split(':');
  return { host, port: Number(port) };
};

let socket: Socket | undefined;
const HEADER = '{"format":"json","version":1}\n';

/**
 * Hands a closed subsegment to the daemon; resolves once the datagram is handed to the kernel (the
 * invocation's own subsegment is awaited, so a freeze cannot swallow it). Tracing never fails the work it
 * traces: send errors are dropped.
 */
const toDaemon = (document: SubsegmentDocument): Promise<void> => {
  if (!socket) {
    socket = createSocket('udp4').unref();
    socket.on('error', () => undefined);
  }
  const { host, port } = daemonAddress();
  const sender = socket;
  return new Promise((resolve) => sender.send(HEADER + JSON.stringify(document), port, host, () => resolve()));
};

let sendSubsegment: (document: SubsegmentDocument) => void | Promise<void> = toDaemon;

/** Tests read the documents instead of the daemon; without an argument, they go to the daemon again. */
export const captureSubsegments = (capture: (document: SubsegmentDocument) => void = toDaemon): void => {
  sendSubsegment = capture;
};

/** A UDP datagram carries at most 64 KB: an error's message and stack are cut well short of that. */
const MAX_MESSAGE = 1_000;
const MAX_FRAMES = 10;

const framesOf = (stack = ''): StackFrame[] =>
  stack
    .split('\n')
    .slice(1, 1 + MAX_FRAMES)
    .map((line) => /at (?:(.+?) \()?(.+):(\d+):\d+\)?$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ label: match[1] ?? 'anonymous', path: match[2], line: Number(match[3]) }));

const causeOf = (err: unknown, remote: boolean): SubsegmentDocument['cause'] => {
  const error = err instanceof Error ? err : new Error(String(err));
  const stack = framesOf(error.stack);
  const exception = { id: newId(), type: error.name, message: error.message.slice(0, MAX_MESSAGE) };
  return { exceptions: [{ ...exception, ...(remote ? { remote } : {}), ...(stack.length ? { stack } : {}) }] };
};

interface Recording {
  name: string;
  namespace?: 'aws' | 'remote';
  annotations?: Record<string, string | number | boolean>;
  /** What the result (or the error) adds to the document (an AWS call's details); undefined records nothing. */
  describe?: (outcome: { result?: unknown; error?: unknown }) => Partial<SubsegmentDocument> | undefined;
  /** Return only once the document is sent (the invocation's own subsegment, the last one of an invocation). */
  flush?: boolean;
}

/**
 * Runs `work` as a subsegment of the open one (its own calls nest under it), recording how it ended.
 * Without an open trace it just runs.
 */
export const traceSubsegment = async <T>(recording: Recording, work: (context?: TraceContext) => Promise<T>): Promise<T> => {
  const parent = open.getStore();
  if (!parent) return work();
  const context = { ...parent, parentId: newId() };
  const started = now();
  const send = async (outcome: { result?: unknown; error?: unknown }) => {
    const described = recording.describe ? recording.describe(outcome) : {};
    if (!described) return;
    const sent = sendSubsegment({
      type: 'subsegment',
      id: context.parentId,
      trace_id: parent.traceId,
      parent_id: parent.parentId,
      name: recording.name,
      start_time: started,
      end_time: now(),
      ...(recording.namespace ? { namespace: recording.namespace } : {}),
      ...(recording.annotations ? { annotations: recording.annotations } : {}),
      ...('error' in outcome ? { fault: true, cause: causeOf(outcome.error, recording.namespace !== undefined) } : {}),
      ...described,
    });
    if (recording.flush) await sent;
  };
  try {
    const result = await open.run(context, () => work(context));
    await send({ result });
    return result;
  } catch (error) {
    await send({ error });
    throw error;
  }
};

/** Runs `work` as a remote subsegment (Redis, PostgreSQL, a payment gateway), annotated, under the open one. */
export const inSubsegment = <T>(name: string, annotations: Record<string, string>, work: () => Promise<T>): Promise<T> =>
  traceSubsegment({ name, namespace: 'remote', annotations }, () => work());

let coldStart = true;

/**
 * Runs one invocation under its trace: a `## <handler>` subsegment of Lambda's segment (`## index.handler`,
 * as Powertools names it), annotated with ColdStart and Service, that the invocation's calls nest under.
 */
export const traceInvocation = <T>(work: () => Promise<T>): Promise<T> => {
  const trace = invocationTrace();
  const first = coldStart;
  coldStart = false;
  if (!trace) return work();
  const annotations = { ColdStart: first, Service: process.env.POWERTOOLS_SERVICE_NAME ?? 'car-rental' };
  const name = `## ${process.env._HANDLER ?? 'handler'}`;
  return open.run(trace, () => traceSubsegment({ name, annotations, flush: true }, () => work()));
};

/** The parts of an AWS SDK v3 client and its middleware this needs (no SDK types: they would pull in @smithy). */
interface SdkClient {
  config: { serviceId?: string; region?: string | (() => Promise<string>) };
  middlewareStack: {
    add(
      middleware: (
        next: (args: SdkArgs) => Promise<SdkOutput>,
        context: { clientName?: string; commandName?: string },
      ) => (args: SdkArgs) => Promise<SdkOutput>,
      options: { step: 'build'; name: string; override: boolean },
    ): void;
  };
}
interface SdkArgs {
  input: Record<string, unknown>;
  request?: { headers?: Record<string, string> };
}
interface SdkMetadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts?: number;
}
interface SdkOutput {
  /** `presigned` is set when the call only presigned a URL (@aws-sdk/s3-request-presigner): nothing was sent. */
  output?: { $metadata?: SdkMetadata; presigned?: unknown };
}

/** Throttling answers: a few come as 429, most as a 400 with one of these names (as the X-Ray SDK counts them). */
const THROTTLING = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);

const regionOf = async (client: SdkClient): Promise<string | undefined> =>
  typeof client.config.region === 'function' ? client.config.region().catch(() => undefined) : client.config.region;

/** An SDK call's document fields, as the X-Ray SDK records them: operation, region, request id, status, retries. */
const awsCall = (
  region: string | undefined,
  operation: string,
  input: Record<string, unknown>,
  { result, error }: { result?: unknown; error?: unknown },
): Partial<SubsegmentDocument> | undefined => {
  const output = (result as SdkOutput | undefined)?.output;
  if (output?.presigned) return undefined;
  const failure = error as { name?: string; $metadata?: SdkMetadata; $retryable?: { throttling?: boolean } } | undefined;
  const metadata = failure?.$metadata ?? output?.$metadata ?? {};
  const status = metadata.httpStatusCode;
  return {
    aws: {
      operation,
      region,
      request_id: metadata.requestId,
      retries: Math.max(0, (metadata.attempts ?? 1) - 1),
      ...(typeof input.TableName === 'string' ? { table_name: input.TableName } : {}),
      ...(typeof input.QueueUrl === 'string' ? { queue_url: input.QueueUrl } : {}),
    },
    ...(status ? { http: { response: { status } } } : {}),
    ...(error
      ? {
          fault: status === undefined || status >= 500,
          error: status !== undefined && status >= 400 && status < 500,
          throttle: status === 429 || Boolean(failure?.$retryable?.throttling) || THROTTLING.has(failure?.name ?? ''),
        }
      : {}),
  };
};

/**
 * Records every call of an AWS SDK v3 client as an `aws` subsegment (its retries inside it) and passes
 * the trace on to the service in X-Amzn-Trace-Id, so what it triggers (a queue's consumer) joins the trace.
 * The SDK's own recursion-detection middleware runs later and keeps a header set here, so this one carries
 * the invocation's other fields (Lineage) on. A presigned URL (no request made) records nothing.
 */
export const traceAwsClient = <T>(client: T): T => {
  const sdk = client as unknown as SdkClient;
  sdk.middlewareStack.add(
    (next, context) => async (args) => {
      if (!open.getStore()) return next(args);
      const region = await regionOf(sdk);
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      // Named as the X-Ray SDK names them (DynamoDB, SQS, SecretsManager, CognitoIdentityProvider): service maps keep their nodes.
      const name = context.clientName?.replace(/Client$/, '') ?? sdk.config.serviceId ?? 'AWS';
      return traceSubsegment(
        { name, namespace: 'aws', describe: (outcome) => awsCall(region, operation, args.input, outcome) },
        (trace) => {
          if (trace && args.request?.headers) args.request.headers['X-Amzn-Trace-Id'] = downstreamHeader(trace);
          return next(args);
        },
      );
    },
    { step: 'build', name: 'xrayTracing', override: true },
  );
  return client;
};
