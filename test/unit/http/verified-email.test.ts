import type { RouteDefinition } from '../../../lambdas/api/route';
import { routeList } from '../../../lambdas/api/routes';
import { httpHandler } from '../../../lambdas/http/handler';
import { MFA_ENABLED_CLAIM } from '../../../lambdas/shared/auth-claims';
import { apiEvent, context } from '../../support/api-event';

/**
 * The verified-email rule, route by route, through the HTTP wrapper every function is built with. The
 * walk takes the routes from the route table itself, so a route added with `verifiedEmail: true` is
 * checked without touching this file. What the table cannot say is that a route lost the flag: the
 * policy (README, Accounts) names what an unverified account may not do, and that is checked against
 * the table too.
 */
const MUST_VERIFY = ['POST /reservations', 'POST /payments', 'POST /feedback'];

/** v1's and v2's booking routes share method and path: one name, for both. */
const nameOf = (r: RouteDefinition) => `${r.method} ${r.path}`;

/** A caller the route's access level lets in (admins with MFA on), whose email is or is not verified. */
const claimsFor = (route: RouteDefinition, emailVerified: boolean) => ({
  sub: 'user-1',
  email: 'someone@example.com',
  email_verified: String(emailVerified),
  'cognito:groups': route.access === 'admin' ? 'admin' : 'customer',
  [MFA_ENABLED_CLAIM]: 'true',
});

/** Calls the route's wrapped handler as API Gateway would; says what came back and whether the use case ran. */
const callAs = async (route: RouteDefinition, emailVerified: boolean) => {
  let ran = false;
  const handler = httpHandler(
    route,
    async () => {
      ran = true;
      return {};
    },
    // The claims come from the authorizer's twin here, so an optional route's verifier is never asked.
    { cursorKey: async () => Buffer.alloc(32), verifyToken: async () => ({}) },
  );
  const res = await handler(
    apiEvent({ httpMethod: route.method, resource: route.path, body: '{}', claims: claimsFor(route, emailVerified) }),
    context,
  );
  const code = res.statusCode >= 400 ? (JSON.parse(res.body) as { error: { code: string } }).error.code : undefined;
  return { status: res.statusCode, code, ran };
};

describe('the verified-email rule, for every route of the table', () => {
  it('the routes that require a verified email are the ones the policy names', () => {
    expect([
      ...new Set(
        routeList
          .filter((r) => r.verifiedEmail)
          .map(nameOf)
          .sort(),
      ),
    ]).toEqual([...MUST_VERIFY].sort());
    // ...and every route of those names requires it, in every version.
    expect(routeList.filter((r) => MUST_VERIFY.includes(nameOf(r))).every((r) => r.verifiedEmail)).toBe(true);
  });

  it.each(routeList.filter((r) => r.verifiedEmail).map((r) => [nameOf(r), r] as const))(
    '%s: an unverified caller gets 403 EMAIL_NOT_VERIFIED and the use case never runs; a verified one gets past the rule',
    async (_name, route) => {
      expect(await callAs(route, false)).toEqual({ status: 403, code: 'EMAIL_NOT_VERIFIED', ran: false });
      expect((await callAs(route, true)).code).not.toBe('EMAIL_NOT_VERIFIED');
    },
  );

  it.each(routeList.filter((r) => !r.verifiedEmail && r.access !== 'public').map((r) => [nameOf(r), r] as const))(
    '%s: no verified email needed',
    async (_name, route) => {
      expect((await callAs(route, false)).code).not.toBe('EMAIL_NOT_VERIFIED');
    },
  );
});
