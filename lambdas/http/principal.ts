import type { Access, RouteDefinition } from '../api/route';
import type { Actor } from '../domain/bookings/lifecycle';
import type { CounterActor } from '../domain/counter/actor';
import { LOCATIONS, type LocationCode } from '../domain/fleet/catalog';
import { AGENT_LOCATIONS_CLAIM, MFA_ENABLED_CLAIM, USER_GROUPS, type Role } from '../shared/auth-claims';
import { emailNotVerified, forbidden, unauthenticated } from '../shared/errors';

export type { Role, CounterActor };

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
  /**
   * The locations the token says a counter agent is appointed to (custom:agent_locations); what counts
   * is counterActorOf's answer, which gives them only to a caller acting as agent.
   */
  agentLocations: LocationCode[];
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

/**
 * custom:agent_locations is "LAX,SFO" (the back end writes it so: adapters/accounts/cognito-identities.ts).
 * A code this version does not know is dropped rather than trusted; each code counts once.
 */
export const parseAgentLocations = (raw: unknown): LocationCode[] => {
  const list = typeof raw === 'string' ? raw.split(/[\s,]+/) : Array.isArray(raw) ? raw.map(String) : [];
  return [...new Set(list.filter((c): c is LocationCode => (LOCATIONS as readonly string[]).includes(c)))];
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
    agentLocations: parseAgentLocations(claims?.[AGENT_LOCATIONS_CLAIM]),
  };
};

/**
 * The roles that grant more than a customer has. Each needs TOTP MFA to act as: admins, and the
 * counter's agents (who act at their locations only: counterActorOf).
 */
export const PRIVILEGED_ROLES = ['admin', 'agent'] as const satisfies readonly Role[];
export type PrivilegedRole = (typeof PRIVILEGED_ROLES)[number];

/**
 * THE "acts as" rule, the only place that decides it: the caller acts as `role` when the verified token
 * puts them in the role's group AND says TOTP MFA is on. Everything that grants more to admins or
 * agents asks this: the admin and agent routes (authorize), the owner-or-admin use cases (through
 * actorOf) and the counter's (through counterActorOf). An admin or agent without MFA is a plain
 * customer on those, and refused on their routes.
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

/**
 * Who acts at the counter: an admin anywhere; an agent at the locations of their token (an appointment
 * changed since the token was issued counts from the next sign-in); anyone else nowhere. The counter's
 * use cases ask `mayActAt` (domain/counter/actor.ts) of a reservation's location.
 */
export const counterActorOf = (principal: Principal | undefined): CounterActor => {
  if (!principal) throw unauthenticated();
  return {
    userId: principal.userId,
    isAdmin: actsAs(principal, 'admin'),
    locations: actsAs(principal, 'agent') ? principal.agentLocations : [],
  };
};

const MFA_SETUP = 'Set it up with POST /v1/users/me/mfa/setup and POST /v1/users/me/mfa/verify, then sign in again with your code.';
export const ADMIN_MFA_REQUIRED = `Administrators must have MFA on to use admin routes. ${MFA_SETUP}`;
export const AGENT_MFA_REQUIRED = `Counter agents must have MFA on to use counter routes. ${MFA_SETUP}`;

/** What a user in the role's group without MFA is told. */
const MFA_REQUIRED: Record<PrivilegedRole, string> = { admin: ADMIN_MFA_REQUIRED, agent: AGENT_MFA_REQUIRED };

/** The roles that may call a route of each privileged access level (admins do everything agents do), and the answer to others. */
const PRIVILEGED_ACCESS: Record<
  Exclude<Access, 'public' | 'optional' | 'customer'>,
  { roles: readonly PrivilegedRole[]; refused: string }
> = {
  admin: { roles: ['admin'], refused: 'This operation is for administrators only.' },
  agent: { roles: ['agent', 'admin'], refused: 'This operation is for counter agents and administrators only.' },
};

/**
 * Enforces a route's access level. Authentication is the authorizer's job (a protected route never runs
 * without claims in AWS); roles are checked here because the authorizer does not know groups. An admin
 * route needs the caller to act as admin, an agent route as agent or admin; one in such a group without
 * MFA is told how to turn it on.
 */
export const authorize = (access: Access, principal: Principal | undefined): Principal | undefined => {
  if (access === 'public' || access === 'optional') return principal;
  if (!principal) throw unauthenticated();
  if (access === 'customer') {
    if (principal.groups.length === 0) throw forbidden('Your account has no role yet.');
    return principal;
  }
  const { roles, refused } = PRIVILEGED_ACCESS[access];
  if (roles.some((role) => actsAs(principal, role))) return principal;
  const inGroup = roles.find((role) => principal.groups.includes(role));
  throw forbidden(inGroup ? MFA_REQUIRED[inGroup] : refused);
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
