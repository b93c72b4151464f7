import { routeList } from '../../../lambdas/api/routes';
import {
  ADMIN_MFA_REQUIRED,
  AGENT_MFA_REQUIRED,
  actorOf,
  authorizeRoute,
  counterActorOf,
  principalFromClaims,
} from '../../../lambdas/http/principal';
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
    return { actor: principal && actorOf(principal), counter: principal && counterActorOf(principal) };
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
        // An admin's (or agent's) route: refused, and told to turn MFA on (a counter route admits admins too).
        if (route.access === 'admin' || route.access === 'agent') {
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
    const asAdmin = { actor: { userId: CALLER, isAdmin: true }, counter: { userId: CALLER, isAdmin: true, locations: [] } };
    for (const route of admin) expect(outcome(route, mfaAdmin)).toEqual(asAdmin);
    for (const route of others.filter((r) => r.access === 'customer' || r.access === 'agent'))
      expect(outcome(route, mfaAdmin)).toEqual(asAdmin);
  });
});

// The counter agent role (issue 20) under the same rule: without MFA, the agent group and its locations
// give nothing a customer does not have; with MFA, only the counter's actor gets the locations.
describe.each([
  ['API Gateway claims (strings)', 'agent,customer', 'customer'],
  ['local runtime claims (arrays)', ['agent', 'customer'], ['customer']],
] as const)('every route, agents, %s', (_, agentGroups, customerGroups) => {
  const located = { 'custom:agent_locations': 'LAX,SFO' };
  const noMfaAgent = token(agentGroups as string | string[], located);
  const mfaOff = token(agentGroups as string | string[], { ...located, 'custom:mfa_enabled': 'false' });
  const mfaAgent = token(agentGroups as string | string[], { ...located, 'custom:mfa_enabled': 'true' });
  // A customer whose token claims locations (a dismissed agent's, say) gets nothing from them either.
  const customer = token(customerGroups as string | string[], located);

  it.each(routeList.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s: a no-MFA agent gets no more than a customer',
    (_name, route) => {
      const asCustomer = outcome(route, customer);
      for (const claims of [noMfaAgent, mfaOff]) {
        const asNoMfaAgent = outcome(route, claims);
        if (route.access === 'agent') {
          expect(asNoMfaAgent).toEqual({ refused: 'FORBIDDEN', message: AGENT_MFA_REQUIRED });
          expect(asCustomer).toMatchObject({ refused: 'FORBIDDEN' });
        } else {
          expect(asNoMfaAgent).toEqual(asCustomer);
        }
      }
    },
  );

  it('an agent with MFA acts at their locations on counter routes, as a customer everywhere else, and never as admin', () => {
    const asAgent = { actor: { userId: CALLER, isAdmin: false }, counter: { userId: CALLER, isAdmin: false, locations: ['LAX', 'SFO'] } };
    for (const route of routeList) {
      if (route.access === 'admin') expect(outcome(route, mfaAgent)).toMatchObject({ refused: 'FORBIDDEN' });
      else if (route.access === 'agent' || route.access === 'customer') expect(outcome(route, mfaAgent)).toEqual(asAgent);
    }
  });
});
