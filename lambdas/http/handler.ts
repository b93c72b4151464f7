import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { API_VERSIONS, type ApiVersion, type RouteDefinition, type RouteInput } from '../api/route';
import { ENV } from '../shared/env-names';
import { unauthenticated } from '../shared/errors';
import { lambdaFunction } from '../shared/lambda-function';
import { logger } from '../shared/logger';
import { cursorScope, openCursor, sealCursor, takesCursor } from './cursors';
import { JSON_HEADERS, toErrorResponse } from './error-response';
import { authorizeRoute, principalFromClaims, type Principal } from './principal';
import { parseRequest } from './request';

/** What a use-case adapter returns: a body (200 by default), or a full result. */
export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type HttpHandlerFn<R extends RouteDefinition> = (
  input: RouteInput<R> & {
    principal: Principal | undefined;
    requestId: string;
    /** The caller's IP address as API Gateway saw it (per-client limits). */
    sourceIp: string;
    /** The Lambda context (remaining time, for handlers that wait). */
    context: Context;
    /** The API version (stage) the request came through. */
    version: ApiVersion;
  },
) => Promise<Reply>;

const requestIdOf = (event: APIGatewayProxyEvent, context: Context) => event.requestContext?.requestId ?? context.awsRequestId;

/** The stage is the version (one stage per version's REST API); v1 when an event names none. */
export const versionOf = (event: APIGatewayProxyEvent): ApiVersion =>
  (API_VERSIONS as readonly string[]).includes(event.requestContext?.stage) ? (event.requestContext.stage as ApiVersion) : 'v1';

/**
 * In the local runtime and in tests, responses are checked against the route table's schema so the
 * OpenAPI document cannot silently drift from what handlers send. Skipped in AWS (cost, and a bad
 * response is better than none).
 */
const checkResponse = (route: RouteDefinition, status: number, body: unknown) => {
  if (process.env[ENV.validateResponses] !== 'true') return;
  const spec = route.responses[status];
  if (!spec) throw new Error(`${route.operationId} answered ${status}, which the route table does not declare`);
  if (spec.schema) {
    const result = spec.schema.safeParse(body);
    if (!result.success) {
      throw new Error(`${route.operationId} ${status} body does not match its schema: ${result.error.message}`);
    }
  }
};

/**
 * Builds the Lambda handler for one route: parse and validate input, enforce the route's access level,
 * call the use case, map the reply, and map any failure to the JSON error body in one place.
 */
export interface HttpHandlerOptions {
  /**
   * The key that seals list cursors (adapters/cursor-key.ts), required for a route that takes a `cursor`:
   * passed in by the list handlers so the others do not load the Secrets Manager client.
   */
  cursorKey?: () => Promise<Buffer>;
  /**
   * Verifies an ID token's signature and claims (adapters/id-tokens.ts), required for an `optional`
   * route: API Gateway lets its requests through without the authorizer, so a token sent is checked here.
   */
  verifyToken?: (token: string) => Promise<Record<string, unknown>>;
}

type Claims = Parameters<typeof principalFromClaims>[0];

/**
 * The caller's claims: the authorizer's (a protected route; the local runtime's twin of it for every
 * route), else, on an `optional` route, a bearer token's once verified here. A token that does not verify
 * is a 401, as the authorizer answers; no token is an anonymous caller.
 */
const claimsOf = async (route: RouteDefinition, event: APIGatewayProxyEvent, verifyToken: HttpHandlerOptions['verifyToken']) => {
  const claims = event.requestContext?.authorizer?.claims as Claims;
  if (claims || route.access !== 'optional' || !verifyToken) return claims;
  const header = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  const token = header?.replace(/^Bearer\s+/i, '').trim();
  if (!token) return undefined;
  try {
    return await verifyToken(token);
  } catch {
    throw unauthenticated();
  }
};

export const httpHandler = <R extends RouteDefinition>(route: R, fn: HttpHandlerFn<R>, options: HttpHandlerOptions = {}) => {
  const { cursorKey, verifyToken } = options;
  if (route.access === 'optional' && !verifyToken)
    throw new Error(`${route.operationId} takes an optional token: pass httpHandler the verifyToken that checks it`);
  if (takesCursor(route) && !cursorKey)
    throw new Error(`${route.operationId} takes a cursor: pass httpHandler the cursorKey that seals it`);
  return lambdaFunction<APIGatewayProxyEvent, APIGatewayProxyResult>(
    route.capability,
    async (event, context) => {
      logger.appendKeys({ operation: route.operationId });
      const requestId = requestIdOf(event, context);
      try {
        const principal = authorizeRoute(route, principalFromClaims(await claimsOf(route, event, verifyToken)));
        const input = parseRequest(route, event);
        const sourceIp = event.requestContext?.identity?.sourceIp ?? 'unknown';
        const cursors = cursorKey ? cursorScope(route, input.params) : undefined;
        const query = input.query as { cursor?: string };
        if (cursorKey && cursors && query.cursor) query.cursor = openCursor(await cursorKey(), cursors, query.cursor);
        const reply = await fn({ ...input, principal, requestId, sourceIp, context, version: versionOf(event) });
        const status = reply.status ?? 200;
        const page = reply.body as { nextCursor?: unknown } | undefined;
        if (cursorKey && cursors && typeof page?.nextCursor === 'string')
          page.nextCursor = sealCursor(await cursorKey(), cursors, page.nextCursor);
        checkResponse(route, status, reply.body);
        return {
          statusCode: status,
          headers: { ...(reply.body === undefined ? {} : JSON_HEADERS), ...reply.headers },
          body: reply.body === undefined ? '' : JSON.stringify(reply.body),
        };
      } catch (thrown) {
        const response = toErrorResponse(thrown, requestId);
        if (response.statusCode >= 500) logger.error('request failed', { error: thrown as Error });
        else logger.info('request refused', { status: response.statusCode });
        return response;
      }
    },
    // API Gateway's request id: the reference a client quotes, through logs, traces and queue messages.
    requestIdOf,
  );
};

type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * One function for a route that each version declares with its own contract (same method and path,
 * its own schemas) but the same use case: the event's stage picks that version's `httpHandler`. Every
 * version is named, so a new one is a decision, not a fall-through.
 */
export const byVersion =
  (handlers: Record<ApiVersion, ProxyHandler>): ProxyHandler =>
  (event, context) =>
    handlers[versionOf(event)](event, context);
