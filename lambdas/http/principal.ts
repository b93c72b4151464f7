import type { Access, RouteDefinition } from '../api/route';
import type { Actor } from '../domain/bookings/lifecycle';
import { MFA_ENABLED_CLAIM, USER_GROUPS, type Role } from '../shared/auth-claims';
import { emailNotVerified, forbidden, unauthenticated } from '../shared/errors';

export type { Role };

/**
 * The caller, as established by the Cognito authorizer (API Gateway or the local runtime's twin). It
 * says what the token says; what the caller may do as admin is `actsAs`'s answer, never `groups` alone.
 */
export interface Principal {
  userId: string;
  email?: string;
  groups: Role[];
  /** The token says TOTP MFA was on for this user when it was issued (see actsAs). */
  mfaEnabled: boolean;
  /** The token says the user proved they own the email (Cognito's email_verified). */
  emailVerified: boolean;
}

type Claims = Record<string, unknown>;

/**
 * API Gateway's REST Cognito authorizer passes every claim as a string: a list of groups arrives as
 * "admin,customer" or "[admin customer]"; the local runtime passes real arrays. Accept all three.
 */
export const parseGroups = (raw: unknown): Role[] => {
  const list = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.replace(/^\[|\]$/g, '').split(/[\s,]+/) : [];
  return list.filter((g): g is Role => (USER_GROUPS as readonly string[]).includes(g));
};

export const principalFromClaims = (claims: Claims | undefined): Principal | undefined => {
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub === '') return undefined;
  return {
    userId: sub,
    email: typeof claims?.email === 'string' ? claims.email : undefined,
    groups: parseGroups(claims?.['cognito:groups']),
    // A string in API Gateway's claims (every claim is), a string from the local verifier too.
    mfaEnabled: String(claims?.[MFA_ENABLED_CLAIM]) === 'true',
    // A boolean in the token, a string once API Gateway has passed it on.
    emailVerified: String(claims?.email_verified) === 'true',
  };
};

/**
 * The roles that grant more than a customer has. Each needs TOTP MFA to act as: the counter's `agent`
 * role, when it comes, is added here (and to USER_GROUPS), and the rule below then holds for it too.
 */
export const PRIVILEGED_ROLES = ['admin'] as const satisfies readonly Role[];
export type PrivilegedRole = (typeof PRIVILEGED_ROLES)[number];

/**
 * THE "acts as" rule, the only place that decides it: the caller acts as `role` when the verified token
 * puts them in the role's group AND says TOTP MFA is on. Everything that grants more to admins asks
 * this: the admin routes (authorize) and the owner-or-admin use cases (through actorOf). An admin
 * without MFA is a plain customer on those, and refused on admin routes.
 *
 * Why a token claim and not a lookup: an admin with TOTP on can only sign in with a code (Cognito asks
 * for it at every sign-in), and /users/me/mfa/verify records MFA in the custom attribute that Cognito
 * copies into every ID token issued afterwards. So "the token carries the claim" means "this session
 * began with an MFA sign-in (or a refresh of one)": checked here with no I/O, no extra grant for every
 * function, and a token from before MFA was turned on does not count. Only the back end can write the
 * attribute (see lambdas/shared/auth-claims.ts).
 */
export const actsAs = (principal: Principal | undefined, role: PrivilegedRole): boolean =>
  principal !== undefined && principal.groups.includes(role) && principal.mfaEnabled;

/** Who a use case acts for: the caller's id, and admin power only as `actsAs` grants it. A protected route always has a principal. */
export const actorOf = (principal: Principal | undefined): Actor => {
  if (!principal) throw unauthenticated();
  return { userId: principal.userId, isAdmin: actsAs(principal, 'admin') };
};

export const ADMIN_MFA_REQUIRED =
  'Administrators must have MFA on to use admin routes. Set it up with POST /v1/users/me/mfa/setup and ' +
  'POST /v1/users/me/mfa/verify, then sign in again with your code.';

/**
 * Enforces a route's access level. Authentication is the authorizer's job (a protected route never runs
 * without claims in AWS); roles are checked here because the authorizer does not know groups. An admin
 * route needs the caller to act as admin; one in the group without MFA is told how to turn it on.
 */
export const authorize = (access: Access, principal: Principal | undefined): Principal | undefined => {
  if (access === 'public' || access === 'optional') return principal;
  if (!principal) throw unauthenticated();
  if (access === 'admin' && !actsAs(principal, access))
    throw forbidden(principal.groups.includes(access) ? ADMIN_MFA_REQUIRED : 'This operation is for administrators only.');
  if (access === 'customer' && principal.groups.length === 0) throw forbidden('Your account has no role yet.');
  return principal;
};

/**
 * Everything a route requires: the role (with MFA for admin routes), and a verified email where the
 * route says so. From the token, like MFA: only the back end sets email_verified (after the emailed code).
 */
export const authorizeRoute = (
  route: Pick<RouteDefinition, 'access' | 'verifiedEmail'>,
  principal: Principal | undefined,
): Principal | undefined => {
  const allowed = authorize(route.access, principal);
  if (route.verifiedEmail && allowed && !allowed.emailVerified) throw emailNotVerified();
  return allowed;
};
