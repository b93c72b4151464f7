import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { API_STAGE, IP_LIMIT_MESSAGE, IP_RATE_LIMITS, routeList, STAGE_THROTTLE, type IpRateLimit } from '../lambdas/api/routes';
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

/** API Gateway's own payload cap. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

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
}

/** A raw path with a `.` or `..` segment, plain or percent-encoded. */
const hasDotSegment = (rawUrl: string): boolean =>
  (rawUrl.split('?')[0] ?? '').split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment));

const readBody = (req: IncomingMessage): Promise<string | null> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PAYLOAD_BYTES) {
        reject(new HttpFailure(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than 10 MB.'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length ? Buffer.concat(chunks).toString('utf8') : null));
    req.on('error', reject);
  });

const flatHeaders = (req: IncomingMessage): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(',') : v;
  return out;
};

/** The Cognito authorizer: a valid ID token (with or without "Bearer ") or 401, before the function runs. */
const authenticate = async (header: string | undefined, verify: VerifyToken | undefined) => {
  const token = header?.replace(/^Bearer\s+/i, '').trim();
  if (!token || !verify) throw new HttpFailure(401, 'UNAUTHENTICATED', 'A valid bearer token is required.');
  try {
    return await verify(token);
  } catch {
    throw new HttpFailure(401, 'UNAUTHENTICATED', 'The bearer token is invalid or expired.');
  }
};

/**
 * The local twin of API Gateway: routes from the route table, the stage's and each method's throttling,
 * the Cognito authorizer, proxy events for the same handlers that run in Lambda, and the JSON error
 * bodies of the stack's gateway responses.
 */
export const startLocalApi = async (options: LocalApiOptions): Promise<LocalApi> => {
  const router = new Router(routeList);
  const throttle = new Throttle(STAGE_THROTTLE);
  const ipLimiter = new IpRateLimiter(options.ipLimits ?? IP_RATE_LIMITS);
  const log = options.log ?? (() => undefined);
  const stagePrefix = `/${API_STAGE}`;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    let result: APIGatewayProxyResult;
    try {
      // URL parsing resolves `.` and `..` segments (`/cars/{id}/photos/..` would become `/cars/{id}`):
      // refuse them, so no request ever reaches an operation its path does not name.
      if (hasDotSegment(req.url ?? '/')) throw new HttpFailure(400, 'BAD_REQUEST', 'Path segments "." and ".." are not allowed.');
      if (method === 'GET' && (url.pathname === '/docs' || url.pathname === '/docs/')) {
        result = { statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: docsPage() };
      } else {
        result = (await options.devRoutes?.(method, url, req)) ?? (await dispatch(req, method, url));
      }
    } catch (err) {
      const failure =
        err instanceof HttpFailure
          ? err
          : new HttpFailure(502, 'BAD_GATEWAY', 'The function failed without an answer.');
      if (!(err instanceof HttpFailure)) log(`function error: ${(err as Error).stack ?? String(err)}`);
      result = { statusCode: failure.status, headers: { ...JSON_HEADERS, ...failure.headers }, body: errorBody(failure.code, failure.message) };
    }
    res.writeHead(result.statusCode, result.headers as Record<string, string>);
    res.end(result.body);
    log(`${method} ${url.pathname} ${result.statusCode} ${(performance.now() - started).toFixed(1)}ms`);
  };

  const dispatch = async (req: IncomingMessage, method: string, url: URL): Promise<APIGatewayProxyResult> => {
    if (!url.pathname.startsWith(`${stagePrefix}/`)) {
      throw new HttpFailure(404, 'NOT_FOUND', `No such resource: ${url.pathname}. The API lives under ${stagePrefix}/.`);
    }
    const path = url.pathname.slice(stagePrefix.length);
    // WAF answers before API Gateway routes or throttles anything.
    const ipWait = ipLimiter.check(req.socket.remoteAddress ?? '127.0.0.1', path);
    if (ipWait > 0) throw new HttpFailure(429, 'THROTTLED', IP_LIMIT_MESSAGE, { 'retry-after': String(ipWait) });
    let match: ReturnType<Router['match']>;
    try {
      match = router.match(method, path);
    } catch (err) {
      if (err instanceof BadPathEncoding) throw new HttpFailure(400, 'BAD_REQUEST', err.message);
      throw err;
    }
    if (match === undefined) throw new HttpFailure(404, 'NOT_FOUND', `No such resource: ${url.pathname}.`);
    if (match === 'method-not-allowed') {
      throw new HttpFailure(405, 'METHOD_NOT_ALLOWED', `${method} is not supported on ${url.pathname}.`);
    }
    const { route, params } = match;
    const wait = throttle.check(`${route.method} ${route.path}`, route.throttle);
    if (wait > 0) {
      throw new HttpFailure(429, 'THROTTLED', 'Too many requests; retry after the time in Retry-After.', {
        'retry-after': String(wait),
      });
    }
    const headers = flatHeaders(req);
    const claims = route.access === 'public' ? undefined : await authenticate(headers.authorization, options.verifyToken);
    const body = await readBody(req);
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
    });
    const capability: CapabilityDefinition = capabilities[route.capability];
    const invoke = (await loadHandler(capability.entry)) as Invoke;
    return invoke(event, lambdaContext(route.capability, capability.timeoutSeconds));
  };

  const server = createServer((req, res) => void handle(req, res));
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
