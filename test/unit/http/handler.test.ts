import * as z from '../../../lambdas/shared/zod';
import { defineRoute } from '../../../lambdas/api/route';
import { capabilities } from '../../../lambdas/capabilities';
import { encodeRequirements } from '../../../lambdas/capabilities/environment';
import { httpHandler } from '../../../lambdas/http/handler';
import { MAX_BODY_BYTES } from '../../../lambdas/http/request';
import { conflict, dependencyUnavailable } from '../../../lambdas/shared/errors';
import { apiEvent, context } from '../../support/api-event';

const route = defineRoute({
  operationId: 'createThing',
  method: 'POST',
  path: '/things/{thingId}',
  capability: 'health',
  access: 'customer',
  summary: 'test',
  tag: 'test',
  request: {
    params: z.object({ thingId: z.string().check(z.regex(/^t-\d+$/)) }),
    query: z.object({ dryRun: z.optional(z.enum(['true', 'false'])) }),
    body: z.strictObject({ name: z.string().check(z.minLength(1)), count: z.int().check(z.positive()) }),
  },
  responses: { 201: { description: 'created', schema: z.object({ id: z.string() }) } },
  throttle: { rateLimit: 1, burstLimit: 1 },
});

const customer = { sub: 'user-1', 'cognito:groups': 'customer' };
const call = (handler: ReturnType<typeof httpHandler>, event: Parameters<typeof apiEvent>[0]) => handler(apiEvent(event), context);
const errorOf = (res: { body: string }) => JSON.parse(res.body).error;

describe('httpHandler', () => {
  const echo = httpHandler(route, async ({ params, body, principal }) => ({
    status: 201,
    body: { id: `${params.thingId}:${body.name}:${body.count}:${principal?.userId}` },
  }));

  it('passes validated, typed input and the principal to the use case', async () => {
    const res = await call(echo, { pathParameters: { thingId: 't-1' }, body: '{"name":"a","count":2}', claims: customer });
    expect(res.statusCode).toBe(201);
    expect(res.headers?.['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(res.body)).toEqual({ id: 't-1:a:2:user-1' });
  });

  it('names every bad field of every part in one 400', async () => {
    const res = await call(echo, {
      pathParameters: { thingId: 'nope' },
      queryStringParameters: { dryRun: 'maybe' },
      body: '{"name":"","count":1.5,"role":"admin"}',
      claims: customer,
    });
    expect(res.statusCode).toBe(400);
    const error = errorOf(res);
    expect(error.code).toBe('VALIDATION_FAILED');
    const fields = error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['params.thingId', 'query.dryRun', 'body.name', 'body.count', 'body.role']));
  });

  it('answers 400 for a body that is not JSON and for a missing body', async () => {
    const bad = await call(echo, { pathParameters: { thingId: 't-1' }, body: '{nope', claims: customer });
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad).details.fields).toEqual([{ field: 'body', message: 'The body is not valid JSON.' }]);
    const missing = await call(echo, { pathParameters: { thingId: 't-1' }, claims: customer });
    expect(missing.statusCode).toBe(400);
    expect(errorOf(missing).details.fields[0].field).toBe('body');
  });

  it('answers 413 for an oversized body and 415 for a non-JSON content type', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(MAX_BODY_BYTES), count: 1 });
    expect((await call(echo, { pathParameters: { thingId: 't-1' }, body: big, claims: customer })).statusCode).toBe(413);
    const form = await call(echo, {
      pathParameters: { thingId: 't-1' },
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'name=a',
      claims: customer,
    });
    expect(form.statusCode).toBe(415);
  });

  it('answers 401 without claims and 403 for a caller outside the route group', async () => {
    expect((await call(echo, { pathParameters: { thingId: 't-1' }, body: '{}' })).statusCode).toBe(401);
    const adminRoute = httpHandler({ ...route, access: 'admin' }, async () => ({}));
    const res = await call(adminRoute, { pathParameters: { thingId: 't-1' }, body: '{}', claims: customer });
    expect(res.statusCode).toBe(403);
    expect(errorOf(res).code).toBe('FORBIDDEN');
  });

  it('maps domain errors to their statuses, with Retry-After where it applies', async () => {
    const taken = httpHandler(route, async () => {
      throw conflict('Car taken', { carId: 'c1' });
    });
    const res = await call(taken, { pathParameters: { thingId: 't-1' }, body: '{"name":"a","count":1}', claims: customer });
    expect(res.statusCode).toBe(409);
    expect(errorOf(res)).toEqual({ code: 'CONFLICT', message: 'Car taken', details: { carId: 'c1' } });

    const down = httpHandler(route, async () => {
      throw dependencyUnavailable('database', 7);
    });
    const res2 = await call(down, { pathParameters: { thingId: 't-1' }, body: '{"name":"a","count":1}', claims: customer });
    expect(res2.statusCode).toBe(503);
    expect(res2.headers?.['retry-after']).toBe('7');
  });

  it('answers 503 with Retry-After when an adapter could not reach its service', async () => {
    const unreachable = httpHandler(route, async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' });
    });
    const res = await call(unreachable, { pathParameters: { thingId: 't-1' }, body: '{"name":"a","count":1}', claims: customer });
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('5');
    expect(errorOf(res).code).toBe('SERVICE_UNAVAILABLE');
    expect(res.body).not.toContain('10.0.0.1');
  });

  it('never leaks an unexpected error to the client', async () => {
    const boom = httpHandler(route, async () => {
      throw new Error('secret connection string postgres://user:pw@db');
    });
    const res = await call(boom, { pathParameters: { thingId: 't-1' }, body: '{"name":"a","count":1}', claims: customer });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toMatch(/secret|postgres/);
    expect(errorOf(res).message).toMatch(/req-1/);
  });

  it('checks responses against the route table when VALIDATE_RESPONSES is on', async () => {
    const wrong = httpHandler(route, async () => ({ status: 201, body: { id: 42 } }));
    const undeclared = httpHandler(route, async () => ({ status: 202, body: { id: 'x' } }));
    const event = { pathParameters: { thingId: 't-1' }, body: '{"name":"a","count":1}', claims: customer };
    process.env.VALIDATE_RESPONSES = 'true';
    try {
      expect((await call(wrong, event)).statusCode).toBe(500);
      expect((await call(undeclared, event)).statusCode).toBe(500);
    } finally {
      delete process.env.VALIDATE_RESPONSES;
    }
    expect((await call(wrong, event)).statusCode).toBe(201);
  });
});

describe('httpHandler at cold start in Lambda', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('refuses to start when the environment lacks what the capability uses, naming each variable', () => {
    // What the stack states for the function (lib/constructs/capability-function.ts).
    const REQUIRED_ENVIRONMENT = encodeRequirements(capabilities.health.uses);
    process.env = { AWS_LAMBDA_FUNCTION_NAME: 'health', REQUIRED_ENVIRONMENT };
    expect(() => httpHandler(route, async () => ({}))).toThrow(
      'health: environment variables not set: USERS_TABLE, USER_POOL_ID, USER_POOL_CLIENT_ID, REDIS_URL or REDIS_HOST, DATABASE_URL or DB_PROXY_ENDPOINT, DATABASE_URL or DB_SECRET_ARN',
    );
    process.env = {
      AWS_LAMBDA_FUNCTION_NAME: 'health',
      REQUIRED_ENVIRONMENT,
      USERS_TABLE: 'u',
      USER_POOL_ID: 'p',
      USER_POOL_CLIENT_ID: 'c',
      REDIS_HOST: 'r',
      DB_PROXY_ENDPOINT: 'p',
      DB_SECRET_ARN: 's',
    };
    expect(() => httpHandler(route, async () => ({}))).not.toThrow();
  });
});
