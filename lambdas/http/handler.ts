import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { RouteDefinition, RouteInput } from '../api/route';
import { capabilities, type CapabilityDefinition } from '../capabilities';
import { missingEnvironment } from '../capabilities/environment';
import { isUnavailable } from '../adapters/unavailable';
import { ConfigError } from '../shared/config';
import { AppError, dependencyUnavailable } from '../shared/errors';
import { ENV } from '../shared/env-names';
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
 * Fail fast: in Lambda, a function whose environment lacks what its capability uses stops at cold start
 * with the names of the missing variables, instead of failing on some later request.
 */
const assertEnvironment = (route: RouteDefinition) => {
  if (!process.env.AWS_LAMBDA_FUNCTION_NAME) return; // tests and the local runtime set what they use
  const capability: CapabilityDefinition = capabilities[route.capability];
  const missing = missingEnvironment(capability.uses, process.env);
  if (missing.length) throw new ConfigError(`${route.capability}: environment variables not set: ${missing.join(', ')}`);
};

/**
 * Builds the Lambda handler for one route: parse and validate input, enforce the route's access level,
 * call the use case, map the reply, and map any failure to the JSON error body in one place.
 */
export const httpHandler = <R extends RouteDefinition>(route: R, fn: HttpHandlerFn<R>) => {
  assertEnvironment(route);
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .before(async (request) => {
      logger.addContext(request.context);
      logger.appendKeys({ operation: route.operationId, requestId: requestIdOf(request.event, request.context) });
    })
    .handler(async (event, context): Promise<APIGatewayProxyResult> => {
      const requestId = requestIdOf(event, context);
      try {
        const principal = authorizeRoute(route.access, principalFromClaims(event.requestContext?.authorizer?.claims));
        const input = parseRequest(route, event);
        const sourceIp = event.requestContext?.identity?.sourceIp ?? 'unknown';
        const reply = await fn({ ...input, principal, requestId, sourceIp });
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
    });
};
