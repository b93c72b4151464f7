import { randomUUID } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import {
  GATEWAY_ERRORS,
  GATEWAY_MAX_HEADER_BYTES,
  GATEWAY_MAX_PAYLOAD_BYTES,
  LAMBDA_MAX_INVOKE_BYTES,
  localMessage,
  type GatewayError,
} from '../lib/api/gateway-responses';
import { API_VERSIONS, IP_LIMIT_MESSAGE, IP_RATE_LIMITS, routesOf, STAGE_THROTTLE, type IpRateLimit } from '../lambdas/api/routes';
import { capabilities, type CapabilityDefinition } from '../lambdas/capabilities';
import { errorBody, JSON_HEADERS } from '../lambdas/http/error-response';
import type { VerifyToken } from './auth/verify-token';
import type { DevRoutes } from './dev-routes';
import { docsPage } from './docs-page';
import { IpRateLimiter } from './ip-limits';
import { apiGatewayEvent, lambdaContext } from './events';
import { loadHandler } from './handlers';
import { BadPathEncoding, Router } from './router';
import { Throttle } from './throttle';

export interface LocalApiOptions {
  port: number;
  host?: string;
  /** Acts as the Cognito user-pool authorizer; without it protected routes answer 401. */
  verifyToken?: VerifyToken;
  /** Developer routes under /_local/ (see dev-routes.ts), answered before the stage's routes. */
  devRoutes?: DevRoutes;
  /** The WAF per-IP rules to apply (default: the route table's IP_RATE_LIMITS; [] turns them off). */
  ipLimits?: readonly IpRateLimit[];
  log?: (line: string) => void;
}

export interface LocalApi {
  url: string;
  stop(): Promise<void>;
}

type Invoke = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** One of API Gateway's own answers, from the table the stack's gateway responses are made of. */
  static gateway(error: GatewayError, fallbackMessage = '', requestId?: string): HttpFailure {
    return new HttpFailure(error.status, error.code, localMessage(error, fallbackMessage, requestId), error.headers);
  }
}

const badRequest = (message: string) => HttpFailure.gateway(GATEWAY_ERRORS.otherRefusal, message);

const jsonError = (failure: HttpFailure): APIGatewayProxyResult => ({
  statusCode: failure.status,
  headers: { ...JSON_HEADERS, ...failure.headers },
  body: errorBody(failure.code, failure.message),
});

/** A raw path with a `.` or `..` segment, plain or percent-encoded. */
const hasDotSegment = (rawUrl: string): boolean =>
  (rawUrl.split('?')[0] ?? '').split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment));

/**
 * The whole body, as API Gateway reads it before routing. Over its 10 MB limit the rest is read and dropped
 * before the 413 (closing a connection the client is still writing to would reset it before it reads the answer).
 */
const readBody = (req: IncomingMessage): Promise<string | null> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= GATEWAY_MAX_PAYLOAD_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => {
      if (size > GATEWAY_MAX_PAYLOAD_BYTES) reject(HttpFailure.gateway(GATEWAY_ERRORS.payloadTooLarge));
      else resolve(chunks.length ? Buffer.concat(chunks).toString('utf8') : null);
    });
    req.on('error', reject);
  });

/** A Lambda proxy result API Gateway accepts; anything else is its 502. */
const isProxyResult = (value: unknown): value is APIGatewayProxyResult =>
  typeof value === 'object' &&
  value !== null &&
  Number.isInteger((value as APIGatewayProxyResult).statusCode) &&
  ['string', 'undefined'].includes(typeof (value as APIGatewayProxyResult).body);

/**
 * What Node's HTTP parser refuses before there is a request: headers over API Gateway's limit (431), or
 * bytes that are not HTTP (400). Node's own answer to these has no body.
 */
const refuseUnparsable = (err: NodeJS.ErrnoException, socket: Socket) => {
  if (!socket.writable || err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const failure =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? HttpFailure.gateway(GATEWAY_ERRORS.headersTooLarge)
      : badRequest('The request is not valid HTTP/1.1.');
  const body = errorBody(failure.code, failure.message);
  const head = [
    `HTTP/1.1 ${failure.status} ${STATUS_CODES[failure.status]}`,
    `content-type: ${JSON_HEADERS['content-type']}`,
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
};

const flatHeaders = (req: IncomingMessage): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(',') : v;
  return out;
};

/** The Cognito authorizer: a valid ID token (with or without "Bearer ") or 401, before the function runs. */
const authenticate = async (header: string | undefined, verify: VerifyToken | undefined) => {
  const token = header?.replace(/^Bearer\s+/i, '').trim();
  if (!token || !verify) throw HttpFailure.gateway(GATEWAY_ERRORS.unauthenticated);
  try {
    return await verify(token);
  } catch {
    throw HttpFailure.gateway(GATEWAY_ERRORS.unauthenticated);
  }
};

/**
 * The local twin of API Gateway: routes from the route table, the stage's and each method's throttling,
 * the Cognito authorizer, proxy events for the same handlers that run in Lambda, and the JSON error
 * bodies of the stack's gateway responses.
 */
export const startLocalApi = async (options: LocalApiOptions): Promise<LocalApi> => {
  // One router per version: each stage has its own REST API in AWS, serving only its version's routes.
  const routers = new Map(API_VERSIONS.map((version) => [version, new Router(routesOf(version))]));
  // Each version's stage has its own stage and method throttles, as in API Gateway.
  const throttles = new Map(API_VERSIONS.map((version) => [version, new Throttle(STAGE_THROTTLE)]));
  const ipLimiter = new IpRateLimiter(options.ipLimits ?? IP_RATE_LIMITS);
  const log = options.log ?? (() => undefined);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    // API Gateway's request id: the event's, the function's log lines' and a 502's reference.
    const requestId = randomUUID();
    let result: APIGatewayProxyResult;
    try {
      const body = await readBody(req);
      // URL parsing resolves `.` and `..` segments (`/cars/{id}/photos/..` would become `/cars/{id}`):
      // refuse them, so no request ever reaches an operation its path does not name.
      if (hasDotSegment(req.url ?? '/')) throw badRequest('Path segments "." and ".." are not allowed.');
      if (method === 'GET' && (url.pathname === '/docs' || url.pathname === '/docs/')) {
        result = { statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: docsPage() };
      } else {
        result = (await options.devRoutes?.(method, url, req)) ?? (await dispatch(req, { method, url, body, requestId }));
      }
    } catch (err) {
      if (!(err instanceof HttpFailure)) log(`function error, request ${requestId}: ${(err as Error).stack ?? String(err)}`);
      result = jsonError(err instanceof HttpFailure ? err : HttpFailure.gateway(GATEWAY_ERRORS.functionFailed, '', requestId));
    }
    const headers = result.headers as Record<string, string>;
    // A client that sent over 10 MB gets its answer, then the connection closes (nothing of its is kept).
    if (result.statusCode === GATEWAY_ERRORS.payloadTooLarge.status) headers.connection = 'close';
    res.writeHead(result.statusCode, headers);
    res.end(result.body);
    log(`${method} ${url.pathname} ${result.statusCode} ${(performance.now() - started).toFixed(1)}ms`);
  };

  const dispatch = async (
    req: IncomingMessage,
    { method, url, body, requestId }: { method: string; url: URL; body: string | null; requestId: string },
  ): Promise<APIGatewayProxyResult> => {
    const version = API_VERSIONS.find((v) => url.pathname.startsWith(`/${v}/`));
    if (!version) throw HttpFailure.gateway(GATEWAY_ERRORS.noRoute);
    const router = routers.get(version)!;
    const path = url.pathname.slice(version.length + 1);
    // WAF answers before API Gateway routes or throttles anything.
    const ipWait = ipLimiter.check(req.socket.remoteAddress ?? '127.0.0.1', path);
    if (ipWait > 0) throw new HttpFailure(429, 'THROTTLED', IP_LIMIT_MESSAGE, { 'retry-after': String(ipWait) });
    let match: ReturnType<Router['match']>;
    try {
      match = router.match(method, path);
    } catch (err) {
      if (err instanceof BadPathEncoding) throw badRequest(err.message);
      throw err;
    }
    if (match === undefined) throw HttpFailure.gateway(GATEWAY_ERRORS.noRoute);
    const { route, params } = match;
    if (throttles.get(version)!.check(`${route.method} ${route.path}`, route.throttle) > 0)
      throw HttpFailure.gateway(GATEWAY_ERRORS.throttled);
    const headers = flatHeaders(req);
    // An optional route (no authorizer in AWS) checks a token only when one is sent, as its function does there.
    const anonymous = route.access === 'public' || (route.access === 'optional' && !headers.authorization);
    const claims = anonymous ? undefined : await authenticate(headers.authorization, options.verifyToken);
    const event = apiGatewayEvent({
      route,
      method,
      path, // below the stage, as API Gateway sends it; requestContext.path carries the stage
      params,
      query: url.searchParams,
      headers,
      body,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      claims,
      requestId,
      stage: version,
    });
    if (Buffer.byteLength(JSON.stringify(event)) > LAMBDA_MAX_INVOKE_BYTES) {
      throw HttpFailure.gateway({ ...GATEWAY_ERRORS.functionFailed, status: 500 }, '', requestId);
    }
    const capability: CapabilityDefinition = capabilities[route.capability];
    const invoke = (await loadHandler(capability.entry)) as Invoke;
    const result: unknown = await invoke(event, lambdaContext(route.capability, capability.timeoutSeconds));
    if (!isProxyResult(result)) throw new Error(`${route.capability} answered no Lambda proxy result: ${JSON.stringify(result)}`);
    return result;
  };

  const server = createServer({ maxHeaderSize: GATEWAY_MAX_HEADER_BYTES }, (req, res) => void handle(req, res));
  server.on('clientError', refuseUnparsable);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
