import { routeList } from '../../../lambdas/api/routes';
import { ADMIN_MFA_REQUIRED, actorOf, authorizeRoute, principalFromClaims } from '../../../lambdas/http/principal';
import { AppError } from '../../../lambdas/shared/errors';

/**
 * Finding: an admin without MFA kept admin powers on the owner-or-admin routes. Every route of the route
 * table, walked with a no-MFA admin's token (as API Gateway passes claims: all strings, and as the local
 * runtime does: arrays), must give that caller nothing a customer with the same token would not get:
 * the same refusal, or the same actor for the use case (which decides owner-or-admin from it), and on
 * admin routes the MFA refusal. The admin with MFA is walked too, so the walk sees where admins get more.
 */
const CALLER = 'user-caller';

const token = (groups: string | string[], extra: Record<string, unknown> = {}) => ({
  sub: CALLER,
  email: 'caller@example.com',
  email_verified: 'true',
  'cognito:groups': groups,
  ...extra,
});

/** What a route gives the caller before its use case runs: the refusal, or the actor the use case gets. */
const outcome = (route: (typeof routeList)[number], claims: Record<string, unknown>) => {
  try {
    const principal = authorizeRoute(route, principalFromClaims(claims));
    return { actor: principal && actorOf(principal) };
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return { refused: e.kind, message: e.message };
  }
};

describe.each([
  ['API Gateway claims (strings)', 'admin', 'customer'],
  ['local runtime claims (arrays)', ['admin'], ['customer']],
] as const)('every route, %s', (_, adminGroups, customerGroups) => {
  const noMfaAdmin = token(adminGroups as string | string[]);
  const mfaOff = token(adminGroups as string | string[], { 'custom:mfa_enabled': 'false' });
  const mfaAdmin = token(adminGroups as string | string[], { 'custom:mfa_enabled': 'true' });
  const customer = token(customerGroups as string | string[]);

  it.each(routeList.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s: a no-MFA admin gets no more than a customer',
    (_name, route) => {
      const asCustomer = outcome(route, customer);
      for (const claims of [noMfaAdmin, mfaOff]) {
        const asNoMfaAdmin = outcome(route, claims);
        if (route.access === 'admin') {
          expect(asNoMfaAdmin).toEqual({ refused: 'FORBIDDEN', message: ADMIN_MFA_REQUIRED });
          expect(asCustomer).toMatchObject({ refused: 'FORBIDDEN' });
        } else {
          expect(asNoMfaAdmin).toEqual(asCustomer);
        }
      }
    },
  );

  it('walks the whole table, and an admin with MFA does get more on it (so the walk can tell)', () => {
    const admin = routeList.filter((r) => r.access === 'admin');
    const others = routeList.filter((r) => r.access !== 'admin');
    expect(admin.length).toBeGreaterThan(0);
    expect(others.length).toBeGreaterThan(0);
    for (const route of admin) expect(outcome(route, mfaAdmin)).toEqual({ actor: { userId: CALLER, isAdmin: true } });
    for (const route of others.filter((r) => r.access === 'customer'))
      expect(outcome(route, mfaAdmin)).toEqual({ actor: { userId: CALLER, isAdmin: true } });
  });
});
