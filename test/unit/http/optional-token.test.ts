import { defineRoute } from '../../../lambdas/api/route';
import { httpHandler } from '../../../lambdas/http/handler';
import type { Principal } from '../../../lambdas/http/principal';
import { apiEvent, context } from '../../support/api-event';

/**
 * An `optional` route in AWS: API Gateway has no authorizer on it, so the function verifies a bearer token
 * itself when one is sent. No token is an anonymous caller; a bad one is a 401, as the authorizer answers.
 */
const route = defineRoute({
  operationId: 'optionalThing',
  method: 'GET',
  path: '/things',
  capability: 'getQuote',
  access: 'optional',
  summary: 'test',
  tag: 'Test',
  request: {},
  responses: { 200: { description: 'ok' } },
  throttle: { rateLimit: 1, burstLimit: 1 },
});

const verifyToken = async (token: string) => {
  if (token !== 'good') throw new Error('bad signature');
  return { sub: 'user-7', 'cognito:groups': 'customer', email_verified: 'true' };
};

const callWith = async (headers: Record<string, string>, claims?: Record<string, unknown>) => {
  let seen: Principal | undefined | 'not run' = 'not run';
  const handler = httpHandler(
    route,
    async ({ principal }) => {
      seen = principal;
      return { body: { ok: true } };
    },
    { verifyToken },
  );
  const res = await handler(apiEvent({ httpMethod: 'GET', resource: '/things', headers, claims }), context);
  return { status: res.statusCode, seen };
};

describe('optional access', () => {
  it('no token: an anonymous caller', async () => {
    expect(await callWith({})).toEqual({ status: 200, seen: undefined });
  });

  it('a valid token (any header case): the caller it names', async () => {
    const { status, seen } = await callWith({ Authorization: 'Bearer good' });
    expect(status).toBe(200);
    expect(seen).toMatchObject({ userId: 'user-7', groups: ['customer'] });
  });

  it('a token that does not verify: 401, and the use case never runs', async () => {
    expect(await callWith({ authorization: 'Bearer forged' })).toEqual({ status: 401, seen: 'not run' });
  });

  it('claims from an authorizer (the local runtime verified the token) are taken as they are', async () => {
    const { seen } = await callWith({ authorization: 'Bearer ignored' }, { sub: 'user-9', 'cognito:groups': 'customer' });
    expect(seen).toMatchObject({ userId: 'user-9' });
  });

  it('an optional route without a verifier is a wiring error at load time', () => {
    expect(() => httpHandler(route, async () => ({}))).toThrow(/verifyToken/);
  });
});
