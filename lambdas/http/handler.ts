import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { RouteDefinition, RouteInput } from '../api/route';
import { isUnavailable } from '../adapters/unavailable';
import { AppError, dependencyUnavailable } from '../shared/errors';
import { ENV } from '../shared/env-names';
import { lambdaFunction } from '../shared/lambda-function';
import { logger } from '../shared/logger';
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
  },
) => Promise<Reply>;

const requestIdOf = (event: APIGatewayProxyEvent, context: Context) =>
  event.requestContext?.requestId ?? context.awsRequestId;

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
export const httpHandler = <R extends RouteDefinition>(route: R, fn: HttpHandlerFn<R>) =>
  lambdaFunction<APIGatewayProxyEvent, APIGatewayProxyResult>(
    route.capability,
    async (event, context) => {
      logger.appendKeys({ operation: route.operationId });
      const requestId = requestIdOf(event, context);
      try {
        const principal = authorizeRoute(route, principalFromClaims(event.requestContext?.authorizer?.claims as Parameters<typeof principalFromClaims>[0]));
        const input = parseRequest(route, event);
        const sourceIp = event.requestContext?.identity?.sourceIp ?? 'unknown';
        const reply = await fn({ ...input, principal, requestId, sourceIp, context });
        const status = reply.status ?? 200;
        checkResponse(route, status, reply.body);
        return {
          statusCode: status,
          headers: { ...(reply.body === undefined ? {} : JSON_HEADERS), ...reply.headers },
          body: reply.body === undefined ? '' : JSON.stringify(reply.body),
        };
      } catch (thrown) {
        // Any adapter's "service unreachable" (network, timeout, throttling, 5xx) is a 503 with
        // Retry-After, even where the adapter did not translate it itself.
        const err = !(thrown instanceof AppError) && isUnavailable(thrown) ? dependencyUnavailable('backing service') : thrown;
        const response = toErrorResponse(err, requestId);
        if (response.statusCode >= 500) logger.error('request failed', { error: thrown as Error });
        else logger.info('request refused', { status: response.statusCode });
        return response;
      }
    },
    // API Gateway's request id: the reference a client quotes, through logs, traces and queue messages.
    requestIdOf,
  );
