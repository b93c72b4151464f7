import * as z from '../../shared/zod';
import { defineRoute } from '../route';
import { HealthQuery, HealthResponse } from '../schemas';
import { ADMIN_THROTTLE, DEFAULT_THROTTLE } from './throttle';
import { text } from '../fields';

/** Operational routes: health and the API's own description. */
export const operationsRoutes = {
  getHealth: defineRoute({
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    capability: 'health',
    access: 'public',
    summary: 'Liveness, and with deep=true the readiness of DynamoDB, Redis, PostgreSQL and Cognito (status only)',
    tag: 'Operations',
    request: { query: HealthQuery },
    responses: {
      200: { description: 'Service (and, when deep, every dependency) is up', schema: HealthResponse },
      503: { description: 'A dependency is down; `checks` says which', schema: HealthResponse },
    },
    throttle: { rateLimit: 20, burstLimit: 40 },
  }),
  getHealthDetails: defineRoute({
    operationId: 'getHealthDetails',
    method: 'GET',
    path: '/health/details',
    capability: 'health',
    access: 'admin',
    summary: 'Readiness of every dependency with the error of each one that is down (admins)',
    tag: 'Operations',
    request: {},
    responses: {
      200: { description: 'Every dependency is up', schema: HealthResponse },
      503: { description: 'A dependency is down; `checks` says which and why', schema: HealthResponse },
    },
    throttle: ADMIN_THROTTLE,
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
    responses: { 200: { description: 'OpenAPI 3.1 document', schema: z.record(text(200), z.unknown()) } },
    throttle: DEFAULT_THROTTLE,
  }),
};
