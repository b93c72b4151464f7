import { API_VERSIONS, routeList } from '../../../lambdas/api/routes';
import type { RouteDefinition } from '../../../lambdas/api/route';
import { parseRequest } from '../../../lambdas/http/request';
import { AppError, type FieldIssue } from '../../../lambdas/shared/errors';
import { documentOf as versionDocument } from '../../../lambdas/api/openapi';
import { apiEvent } from '../../support/api-event';

/**
 * Every limit the OpenAPI document states for a request (maxLength, maxItems, maximum) is enforced by the
 * route's zod schema, so a request just over it is refused with 400 naming the field, whether or not API
 * Gateway checked it first.
 */
type Property = { type?: string; maxLength?: number; maxItems?: number; maximum?: number; items?: Property };
type Operation = {
  parameters: Array<{ name: string; in: 'path' | 'query' | 'header'; schema: Property }>;
  requestBody?: { content: { 'application/json': { schema: { $ref?: string; properties?: Record<string, Property> } } } };
};
type Part = 'params' | 'query' | 'headers' | 'body';

const overLimit = (prop: Property, part: Part): unknown[] => {
  const over: unknown[] = [];
  if (prop.maxLength !== undefined) over.push('a'.repeat(prop.maxLength + 1));
  if (prop.maxItems !== undefined) over.push(Array.from({ length: prop.maxItems + 1 }, () => (prop.items?.type === 'string' ? 'a' : 1)));
  if (prop.maximum !== undefined) over.push(part === 'query' ? String(prop.maximum + 1) : prop.maximum + 1);
  return over;
};

const eventWith = (part: Part, value: Record<string, unknown>) =>
  apiEvent({
    ...(part === 'params' ? { pathParameters: value as Record<string, string> } : {}),
    ...(part === 'query' ? { queryStringParameters: value as Record<string, string> } : {}),
    ...(part === 'headers' ? { headers: value as Record<string, string> } : {}),
    ...(part === 'body' ? { body: JSON.stringify(value), headers: { 'content-type': 'application/json' } } : {}),
  });

const fieldsOf = (route: RouteDefinition, part: Part, value: Record<string, unknown>): string[] => {
  try {
    parseRequest(route, eventWith(part, value));
  } catch (err) {
    if (err instanceof AppError && err.kind === 'VALIDATION') return (err.details as { fields: FieldIssue[] }).fields.map((f) => f.field);
    throw err;
  }
  return [];
};

/** Each version's document: a route's limits are read from the document of a version that serves it. */
const documents = Object.fromEntries(API_VERSIONS.map((v) => [v, versionDocument(v)]));
const routeDocument = (route: RouteDefinition) => documents[(route.versions ?? API_VERSIONS)[0]];
const PARTS = { path: 'params', query: 'query', header: 'headers' } as const;

/** The properties the document states for each part of a route's request. */
const statedProperties = (route: RouteDefinition): Array<[Part, string, Property]> => {
  const document = routeDocument(route);
  const operation = document.paths[route.path][route.method.toLowerCase()] as Operation;
  const stated: Array<[Part, string, Property]> = operation.parameters.map((p) => [PARTS[p.in], p.name, p.schema]);
  let body = operation.requestBody?.content['application/json'].schema;
  if (body?.$ref) body = document.components.schemas[body.$ref.split('/').pop()!];
  for (const [name, prop] of Object.entries(body?.properties ?? {})) stated.push(['body', name, prop]);
  return stated;
};

const cases = routeList.flatMap((route) =>
  statedProperties(route).flatMap(([part, name, prop]) =>
    overLimit(prop, part).map((value) => [`${route.operationId} ${part}.${name}`, route, part, name, value] as const),
  ),
);

describe('request limits are enforced at runtime', () => {
  it('finds limits to check on every kind of input', () => {
    const checked = new Set(cases.map(([, , part]) => part));
    expect([...checked].sort()).toEqual(['body', 'headers', 'params', 'query']);
    expect(cases.length).toBeGreaterThan(50);
  });

  it.each(cases)('%s just over its limit is a 400 naming it', (_name, route, part, name, value) => {
    expect(fieldsOf(route, part, { [name]: value })).toContain(`${part}.${name}`);
  });
});
