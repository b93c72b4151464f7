import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

/**
 * X-Ray tracing in about 150 lines instead of Powertools' Tracer with aws-xray-sdk-core (~100 KB and ~40 ms
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
  cause?: { exceptions: Array<{ id: string; type: string; message: string; remote?: boolean }> };
}

const open = new AsyncLocalStorage<TraceContext>();
const newId = () => randomBytes(8).toString('hex');
const now = () => Date.now() / 1000;

/** On in Lambda (AWS_EXECUTION_ENV) unless TRACING_ENABLED=false; tests switch it on by setting both. */
export const tracingEnabled = (): boolean => Boolean(process.env.AWS_EXECUTION_ENV) && process.env.TRACING_ENABLED !== 'false';

/**
 * The invocation's trace header (`Root=1-...;Parent=...;Sampled=1`): the runtime keeps it per invocation
 * in its InvokeStore (several invocations may share a process), else in `_X_AMZN_TRACE_ID`.
 */
const traceHeader = (): string | undefined =>
  (globalThis as { awslambda?: { InvokeStore?: { getXRayTraceId(): string | undefined } } }).awslambda?.InvokeStore?.getXRayTraceId() ??
  process.env._X_AMZN_TRACE_ID;

/** The sampled trace of this invocation, parented on Lambda's segment, or undefined. */
export const invocationTrace = (header = traceHeader()): TraceContext | undefined => {
  if (!header || !tracingEnabled()) return undefined;
  const fields = new Map(header.split(';').map((part) => part.trim().split('=') as [string, string]));
  const [traceId, parentId] = [fields.get('Root'), fields.get('Parent')];
  return traceId && parentId && fields.get('Sampled') === '1' ? { traceId, parentId } : undefined;
};

/** `host:port`, or the daemon's `tcp:host:port udp:host:port` form (subsegments go over UDP). */
const daemonAddress = (): { host: string; port: number } => {
  const value = process.env.AWS_XRAY_DAEMON_ADDRESS ?? '127.0.0.1:2000';
  const udp = value.split(/\s+/).find((part) => part.startsWith('udp:')) ?? value;
  const [host, port] = udp.replace(/^udp:/, '').split(':');
  return { host, port: Number(port) };
};

let socket: Socket | undefined;
const HEADER = '{"format":"json","version":1}\n';

/** Hands a closed subsegment to the daemon; tracing never fails the work it traces (send errors are dropped). */
const toDaemon = (document: SubsegmentDocument): void => {
  if (!socket) {
    socket = createSocket('udp4').unref();
    socket.on('error', () => undefined);
  }
  const { host, port } = daemonAddress();
  socket.send(HEADER + JSON.stringify(document), port, host, () => undefined);
};

let sendSubsegment = toDaemon;

/** Tests read the documents instead of the daemon; without an argument, they go to the daemon again. */
export const captureSubsegments = (capture: (document: SubsegmentDocument) => void = toDaemon): void => {
  sendSubsegment = capture;
};

const causeOf = (err: unknown, remote = false): SubsegmentDocument['cause'] => {
  const error = err instanceof Error ? err : new Error(String(err));
  return { exceptions: [{ id: newId(), type: error.name, message: error.message, ...(remote ? { remote } : {}) }] };
};

interface Recording {
  name: string;
  namespace?: 'aws' | 'remote';
  annotations?: Record<string, string | number | boolean>;
  /** What the result (or the error) adds to the document: the AWS call's details, its status. */
  describe?: (outcome: { result?: unknown; error?: unknown }) => Partial<SubsegmentDocument>;
}

/**
 * Runs `work` as a subsegment of the open one (its own calls nest under it), recording how it ended.
 * Without an open trace it just runs.
 */
export const traceSubsegment = async <T>(recording: Recording, work: (context?: TraceContext) => Promise<T>): Promise<T> => {
  const parent = open.getStore();
  if (!parent) return work();
  const context = { traceId: parent.traceId, parentId: newId() };
  const started = now();
  const send = (outcome: { result?: unknown; error?: unknown }) =>
    sendSubsegment({
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
      ...recording.describe?.(outcome),
    });
  try {
    const result = await open.run(context, () => work(context));
    send({ result });
    return result;
  } catch (error) {
    send({ error });
    throw error;
  }
};

/** Runs `work` as a remote subsegment (Redis, PostgreSQL), annotated, under the open one. */
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
  return open.run(trace, () => traceSubsegment({ name: `## ${process.env._HANDLER ?? 'handler'}`, annotations }, () => work()));
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
  output?: { $metadata?: SdkMetadata };
}

const regionOf = async (client: SdkClient): Promise<string | undefined> =>
  typeof client.config.region === 'function' ? client.config.region().catch(() => undefined) : client.config.region;

/** An SDK call's document fields, as the X-Ray SDK records them: operation, region, request id, status, retries. */
const awsCall = (
  region: string | undefined,
  operation: string,
  input: Record<string, unknown>,
  { result, error }: { result?: unknown; error?: unknown },
): Partial<SubsegmentDocument> => {
  const failure = error as { $metadata?: SdkMetadata; $retryable?: { throttling?: boolean } } | undefined;
  const metadata = failure?.$metadata ?? (result as SdkOutput | undefined)?.output?.$metadata ?? {};
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
          throttle: status === 429 || Boolean(failure?.$retryable?.throttling),
        }
      : {}),
  };
};

/**
 * Records every call of an AWS SDK v3 client as an `aws` subsegment (its retries inside it) and passes
 * the trace on to the service in X-Amzn-Trace-Id, so what it triggers (a queue's consumer) joins the trace.
 */
export const traceAwsClient = <T>(client: T): T => {
  const sdk = client as unknown as SdkClient;
  sdk.middlewareStack.add(
    (next, context) => async (args) => {
      if (!open.getStore()) return next(args);
      const region = await regionOf(sdk);
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const name = sdk.config.serviceId ?? (context.clientName ?? 'AWS').replace(/Client$/, '');
      return traceSubsegment(
        { name, namespace: 'aws', describe: (outcome) => awsCall(region, operation, args.input, outcome) },
        (trace) => {
          if (trace && args.request?.headers)
            args.request.headers['X-Amzn-Trace-Id'] = `Root=${trace.traceId};Parent=${trace.parentId};Sampled=1`;
          return next(args);
        },
      );
    },
    { step: 'build', name: 'xrayTracing', override: true },
  );
  return client;
};
