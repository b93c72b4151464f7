import { z } from 'zod';
import { defineRoute, type RouteDefinition } from './route';
import { HealthQuery, HealthResponse } from './schemas';

/**
 * THE route table. API Gateway resources and methods (lib/api), the local runtime's dispatcher (local/)
 * and the OpenAPI document (lambdas/api/openapi.ts) are all built from this list and nothing else.
 */
const DEFAULT_THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;

export const routes = {
  getHealth: defineRoute({
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    capability: 'health',
    access: 'public',
    summary: 'Liveness, and with deep=true the readiness of DynamoDB, Redis and PostgreSQL',
    tag: 'Operations',
    request: { query: HealthQuery },
    responses: {
      200: { description: 'Service (and, when deep, every dependency) is up', schema: HealthResponse },
      503: { description: 'A dependency is down; `checks` says which', schema: HealthResponse },
    },
    throttle: { rateLimit: 20, burstLimit: 40 },
  }),
  getOpenApi: defineRoute({
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    capability: 'openapi',
    access: 'public',
    summary: 'This API described as an OpenAPI 3.1 document',
    tag: 'Operations',
    request: {},
    responses: { 200: { description: 'OpenAPI 3.1 document', schema: z.record(z.string(), z.unknown()) } },
    throttle: DEFAULT_THROTTLE,
  }),
} satisfies Record<string, RouteDefinition>;

export type RouteId = keyof typeof routes;
export const routeList: readonly RouteDefinition[] = Object.values(routes);

/** Stage name: the API version in the URL (`/v1/...`). */
export const API_STAGE = 'v1';
/** Stage-wide throttling, applied before per-method limits. */
export const STAGE_THROTTLE = { rateLimit: 1000, burstLimit: 2000 } as const;
