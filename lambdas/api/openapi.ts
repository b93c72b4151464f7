import * as z from '../shared/zod';
import { version } from '../../package.json';
import type { RouteDefinition } from './route';
import { API_STAGE, routeList } from './routes';
import { ErrorBody } from './schemas';

type JsonSchema = Record<string, unknown>;

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; `error.details.fields` names each bad field',
  401: 'No bearer token, or an invalid or expired one',
  403: 'Signed in, but not allowed to do this',
  404: 'No such resource',
  409: 'Conflicts with the current state (taken, duplicate, or not allowed in this state)',
  413: 'Request body too large',
  415: 'Request body is not JSON',
  422: 'Payment declined, or an Idempotency-Key reused with another request',
  429: 'Throttled; retry after the number of seconds in Retry-After',
  500: 'Unexpected failure; the body carries a reference to quote',
  503: 'A dependency is down; nothing was changed; retry after Retry-After seconds',
};

/** Named schemas (`.meta({ id })`) are hoisted here, shared by every operation that uses them. */
type Components = Record<string, JsonSchema>;

const toSchema = (schema: z.ZodMiniType, io: 'input' | 'output', components?: Components): JsonSchema => {
  const converted = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
  const { $schema: _schema, $defs, ...rest } = converted as JsonSchema & { $defs?: Components };
  if (!components) return rest;
  // Named schemas may nest other named schemas: their references move to components too.
  const hoist = <T>(value: T): T =>
    JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as T;
  Object.assign(components, hoist($defs ?? {}));
  return hoist(rest);
};

const parameters = (route: RouteDefinition) => {
  const out: Array<Record<string, unknown>> = [];
  const add = (location: 'path' | 'query' | 'header', obj: z.ZodMiniObject | undefined) => {
    if (!obj) return;
    const schema = toSchema(obj, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, prop] of Object.entries(schema.properties ?? {})) {
      const { description, ...propSchema } = prop;
      out.push({
        name,
        in: location,
        required: location === 'path' || (schema.required ?? []).includes(name),
        ...(description ? { description } : {}),
        schema: propSchema,
      });
    }
  };
  add('path', route.request.params);
  add('query', route.request.query);
  add('header', route.request.headers);
  return out;
};

const errorRef = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

const operation = (route: RouteDefinition, components: Components) => {
  const responses: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    responses[status] = {
      description: spec.description,
      ...(spec.schema ? { content: { 'application/json': { schema: toSchema(spec.schema, 'output', components) } } } : {}),
    };
  }
  const errors = new Set<number>([...(route.request.body ? [400, 413, 415] : []), ...(route.errors ?? []), 429, 500]);
  if (Object.keys(route.request.params?.shape ?? {}).length || route.request.query) errors.add(400);
  if (route.access !== 'public') [401, 403].forEach((s) => errors.add(s));
  for (const status of [...errors].sort()) {
    if (responses[String(status)]) continue; // the route documents this status itself
    responses[String(status)] = {
      description: ERROR_DESCRIPTIONS[status] ?? 'Error',
      ...errorRef,
      ...(status === 429 || status === 503
        ? { headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' } } }
        : {}),
    };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(route.access === 'public' ? { security: [] } : {}),
    ...(route.access === 'admin' ? { description: 'Administrators only (Cognito group `admin`).' } : {}),
    parameters: parameters(route),
    ...(route.request.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.request.body, 'input', components) } } } }
      : {}),
    responses,
    'x-throttle': route.throttle,
  };
};

/** The OpenAPI 3.1 document, generated from the route table and nothing else. */
export const buildOpenApiDocument = (routes: readonly RouteDefinition[] = routeList, serverUrl = `/${API_STAGE}`) => {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Components = {};
  toSchema(ErrorBody, 'output', components); // hoists the named Error schema
  for (const route of routes) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, components);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Car Rental API',
      version,
      description:
        'Search, book and pay for rental cars; manage the fleet. Errors always use the `Error` body. ' +
        'Protected operations take a Cognito ID token as `Authorization: Bearer <token>`.',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearerAuth: [] }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: components,
    },
  };
};
