import * as z from '../../../lambdas/shared/zod';
import { buildOpenApiDocument, documentOf } from '../../../lambdas/api/openapi';
import { API_VERSIONS, routeList, routesOf } from '../../../lambdas/api/routes';
import { capabilities, capabilityList } from '../../../lambdas/capabilities';
import { existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
/** POST actions on a resource that take no body (the path names the action); every other write declares one. */
const BODYLESS_ACTIONS = new Set(['cancelReservation', 'cancelReservationV2', 'unhideFeedback', 'sendEmailCode']);

describe('route table', () => {
  it.each(routeList.map((r) => [`${r.method} ${r.path}`, r] as const))('%s is complete', (_name, route) => {
    // Every route documents at least one success response with a schema (or an explicit empty 204).
    const statuses = Object.keys(route.responses).map(Number);
    expect(statuses.some((s) => s >= 200 && s < 300)).toBe(true);
    for (const [status, spec] of Object.entries(route.responses)) {
      if (Number(status) !== 204) expect(spec.schema).toBeInstanceOf(z.ZodMiniType);
    }
    // Methods that take a body declare its schema; path parameters are declared by a params schema.
    if (BODYLESS_ACTIONS.has(route.operationId)) expect([route.method, route.request.body]).toEqual(['POST', undefined]);
    else if (['POST', 'PUT', 'PATCH'].includes(route.method)) expect(route.request.body).toBeInstanceOf(z.ZodMiniType);
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    expect(Object.keys(route.request.params?.shape ?? {}).sort()).toEqual(pathParams);
    // It runs in a declared capability whose handler module exists.
    expect(existsSync(path.join(ROOT, capabilities[route.capability].entry))).toBe(true);
    expect(route.throttle.burstLimit).toBeGreaterThanOrEqual(route.throttle.rateLimit);
  });

  it('declares each method and path once per version, and each operationId once', () => {
    for (const version of API_VERSIONS) {
      const keys = routesOf(version).map((r) => `${r.method} ${r.path}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
    const ids = routeList.map((r) => r.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is the trigger of exactly the functions that declare none (HTTP-ness is said once)', () => {
    const routed = new Set<string>(routeList.map((r) => r.capability));
    const untriggered = capabilityList().filter(([, def]) => !def.trigger);
    expect([...routed].sort()).toEqual(untriggered.map(([id]) => id).sort());
  });
});

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument();

  it('is OpenAPI 3.1 with one operation per route of its version (v1 by default; v2 beside it)', () => {
    for (const [version, document] of [
      ['v1', doc],
      ['v2', documentOf('v2')],
    ] as const) {
      expect(document.openapi).toBe('3.1.0');
      expect(document.servers[0].url).toBe(`/${version}`);
      const ops = Object.values(document.paths).flatMap((m) => Object.values(m)) as Array<{ operationId: string }>;
      expect(ops.map((o) => o.operationId).sort()).toEqual(
        routesOf(version)
          .map((r) => r.operationId)
          .sort(),
      );
    }
    // Every route is in some version; v2 has its own search and booking, v1 keeps its own.
    expect(routeList.every((r) => API_VERSIONS.some((v) => routesOf(v).includes(r)))).toBe(true);
    expect(routesOf('v1').map((r) => r.operationId)).toEqual(expect.arrayContaining(['searchCars', 'requestBooking']));
    expect(routesOf('v1').map((r) => r.operationId)).not.toContain('searchCarsAtTimes');
    expect(routesOf('v2').map((r) => r.operationId)).toEqual(expect.arrayContaining(['searchCarsAtTimes', 'requestTimedBooking']));
    expect(routesOf('v2').map((r) => r.operationId)).not.toContain('searchCars');
  });

  it('resolves every $ref to a component', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(doc.components.schemas).toHaveProperty(ref);
    expect(JSON.stringify(doc)).not.toContain('#/$defs/');
  });

  it('marks public operations as needing no token and documents errors with the Error schema', () => {
    const health = doc.paths['/health'].get as { security: unknown[]; responses: Record<string, unknown> };
    expect(health.security).toEqual([]);
    expect(health.responses['429']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      headers: { 'Retry-After': expect.anything() },
    });
  });
});

describe('OpenAPI named schemas', () => {
  it('hoists a named schema nested in another named schema into components', () => {
    const Inner = z.object({ a: z.string() }).check(z.meta({ id: 'InnerForTest' }));
    const Outer = z.object({ inner: Inner }).check(z.meta({ id: 'OuterForTest' }));
    const route = { ...routeList[0], responses: { 200: { description: 'nested', schema: Outer } } };
    const doc = buildOpenApiDocument([route]);
    expect(JSON.stringify(doc)).not.toContain('#/$defs/');
    expect(doc.components.schemas).toHaveProperty('InnerForTest');
    expect((doc.components.schemas as Record<string, any>).OuterForTest.properties.inner).toEqual({
      $ref: '#/components/schemas/InnerForTest',
    });
  });
});

describe('OpenAPI limits the schemas imply', () => {
  const bodyOf = (schema: z.ZodMiniType) => {
    const route = { ...routeList[0], method: 'POST' as const, request: { body: schema } };
    const operation = buildOpenApiDocument([route]).paths[route.path].post as {
      requestBody: { content: { 'application/json': { schema: any } } };
    };
    return operation.requestBody.content['application/json'].schema.properties;
  };

  it('states the length of a uuid or a date, and an int32 or int64 format from an integer bounds', () => {
    const props = bodyOf(
      z.object({
        id: z.uuid(),
        day: z.iso.date(),
        small: z.int().check(z.positive(), z.lte(5_000_000)),
        huge: z.int(),
      }),
    );
    expect(props.id.maxLength).toBe(36);
    expect(props.day.maxLength).toBe(10);
    expect(props.small).toMatchObject({ type: 'integer', exclusiveMinimum: 0, maximum: 5_000_000, format: 'int32' });
    expect(props.huge.format).toBe('int64');
  });
});
