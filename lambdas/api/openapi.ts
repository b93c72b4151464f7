import * as z from '../shared/zod';
import { version } from '../../package.json';
import type { Access, ApiVersion, RouteDefinition } from './route';
import { API_STAGE, routesOf } from './routes';
import { ErrorBody } from './schemas';

type JsonSchema = Record<string, unknown>;

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; `error.details.fields` names each bad field',
  401: 'No bearer token, or an invalid or expired one',
  403: 'Signed in, but not allowed to do this',
  404: 'No such resource',
  409: 'Conflicts with the current state (taken, duplicate, or not allowed in this state)',
  412: 'If-Match names another version than the current one: read it again, then retry',
  413: 'Request body too large',
  415: 'Request body is not JSON',
  422: 'Payment declined, or an Idempotency-Key reused with another request',
  429: 'Too many requests; retry after the number of seconds in Retry-After',
  500: 'Unexpected failure; the body carries a reference to quote',
  503: 'A dependency is down; nothing was changed; retry after Retry-After seconds',
};

/** The seconds a 429 or 503 asks a client to wait (the longest: a sign-in lockout). */
/** Who may call an operation, where the security scheme alone does not say it. */
const ACCESS_DESCRIPTIONS: Partial<Record<Access, string>> = {
  admin: 'Administrators only (Cognito group `admin`).',
  agent:
    'Counter agents (Cognito group `agent`, TOTP MFA on) at the locations they are appointed to, and administrators (who act at every location).',
};

const RETRY_AFTER = { schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 86_400 }, description: 'Seconds to wait' };

const INT32 = 2 ** 31;
const FORMAT_LENGTH: Record<string, number> = { uuid: 36, date: 10 };

/**
 * Spells out what zod's schemas imply but its JSON Schema leaves unsaid: a uuid or a date cannot be longer
 * than its format, and an integer's bounds make it an int32 or an int64.
 */
const explicitLimits = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(explicitLimits);
  if (!node || typeof node !== 'object') return node;
  const out: JsonSchema = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, explicitLimits(v)]));
  const length = out.type === 'string' && typeof out.format === 'string' ? FORMAT_LENGTH[out.format] : undefined;
  if (length !== undefined && out.maxLength === undefined) out.maxLength = length;
  if (out.type === 'integer' && out.format === undefined) {
    const [low, high] = [out.minimum ?? out.exclusiveMinimum, out.maximum ?? out.exclusiveMaximum] as Array<number | undefined>;
    out.format = low !== undefined && high !== undefined && low >= -INT32 && high < INT32 ? 'int32' : 'int64';
  }
  return out;
};

/** Named schemas (`.meta({ id })`) are hoisted here, shared by every operation that uses them. */
type Components = Record<string, JsonSchema>;

const toSchema = (schema: z.ZodMiniType, io: 'input' | 'output', components?: Components): JsonSchema => {
  const converted = explicitLimits(z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }));
  const { $schema: _schema, $defs, ...rest } = converted as JsonSchema & { $defs?: Components };
  if (!components) return rest;
  // Named schemas may nest other named schemas: their references move to components too.
  const hoist = <T>(value: T): T => JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as T;
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

/** The 429 of an operation states its API Gateway throttle (the API sends no rate-limit headers). */
const throttled = ({ throttle }: RouteDefinition) =>
  `${ERROR_DESCRIPTIONS[429]}. This operation takes ${throttle.rateLimit} requests per second, bursts of ${throttle.burstLimit}.`;

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
  if (route.access === 'optional') errors.delete(403);
  for (const status of [...errors].sort()) {
    if (responses[String(status)]) continue; // the route documents this status itself
    responses[String(status)] = {
      description: status === 429 ? throttled(route) : (ERROR_DESCRIPTIONS[status] ?? 'Error'),
      ...errorRef,
      ...(status === 429 || status === 503 ? { headers: { 'Retry-After': RETRY_AFTER } } : {}),
    };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(route.access === 'public' ? { security: [] } : {}),
    // Anonymous or with a bearer token.
    ...(route.access === 'optional' ? { security: [{}, { bearerAuth: [] }] } : {}),
    ...(ACCESS_DESCRIPTIONS[route.access] ? { description: ACCESS_DESCRIPTIONS[route.access] } : {}),
    parameters: parameters(route),
    ...(route.request.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.request.body, 'input', components) } } } }
      : {}),
    responses,
    'x-throttle': route.throttle,
  };
};

/** The OpenAPI 3.1 document of one version (v1 by default), generated from the route table and nothing else. */
export const buildOpenApiDocument = (routes: readonly RouteDefinition[] = routesOf(API_STAGE), serverUrl = `/${API_STAGE}`) => {
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
    servers: [{ url: serverUrl, 'x-internal': false }],
    security: [{ bearerAuth: [] }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A Cognito ID token: a JWS signed by the user pool (RS256). Verified as RFC8725 asks: the algorithm is ' +
            "fixed by the pool's keys (never `none`), and signature, issuer, audience and expiry are checked.",
        },
      },
      schemas: components,
    },
  };
};

/** A version's whole document, served at its stage's root: what every generator and check reads. */
export const documentOf = (version: ApiVersion) => buildOpenApiDocument(routesOf(version), `/${version}`);
