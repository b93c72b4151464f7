import type { Access } from '../api/route';
import { forbidden, unauthenticated } from '../shared/errors';

export type Role = 'admin' | 'customer';

/** The caller, as established by the Cognito authorizer (API Gateway or the local runtime's twin). */
export interface Principal {
  userId: string;
  email?: string;
  groups: Role[];
  isAdmin: boolean;
}

type Claims = Record<string, unknown>;

/**
 * API Gateway's REST Cognito authorizer passes every claim as a string: a list of groups arrives as
 * "admin,customer" or "[admin customer]"; the local runtime passes real arrays. Accept all three.
 */
export const parseGroups = (raw: unknown): Role[] => {
  const list = Array.isArray(raw)
    ? raw.map(String)
    : typeof raw === 'string'
      ? raw.replace(/^\[|\]$/g, '').split(/[\s,]+/)
      : [];
  return list.filter((g): g is Role => g === 'admin' || g === 'customer');
};

export const principalFromClaims = (claims: Claims | undefined): Principal | undefined => {
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub === '') return undefined;
  const groups = parseGroups(claims?.['cognito:groups']);
  return {
    userId: sub,
    email: typeof claims?.email === 'string' ? claims.email : undefined,
    groups,
    isAdmin: groups.includes('admin'),
  };
};

/**
 * Enforces a route's access level. Authentication is the authorizer's job (a protected route never runs
 * without claims in AWS); group membership is checked here because the authorizer does not know groups.
 */
export const authorize = (access: Access, principal: Principal | undefined): Principal | undefined => {
  if (access === 'public') return principal;
  if (!principal) throw unauthenticated();
  if (access === 'admin' && !principal.isAdmin) throw forbidden('This operation is for administrators only.');
  if (access === 'customer' && principal.groups.length === 0) throw forbidden('Your account has no role yet.');
  return principal;
};
