/**
 * The Cognito groups a user can be in: the roles the route table's access levels check. `agent`: counter
 * staff, who act only at the locations in their custom:agent_locations (see AGENT_LOCATIONS_ATTRIBUTE).
 */
export const USER_GROUPS = ['admin', 'agent', 'customer'] as const;
export type Role = (typeof USER_GROUPS)[number];

/**
 * The custom Cognito attribute that records "this user has TOTP MFA on". Cognito copies custom
 * attributes into the ID token, so the admin check (http/principal.ts) reads it from the verified
 * token with no lookup. Only the back end writes it (AdminUpdateUserAttributes after a successful
 * VerifySoftwareToken); the app client must not list it among its writable attributes.
 */
export const MFA_ENABLED_ATTRIBUTE = 'mfa_enabled';
export const MFA_ENABLED_CLAIM = `custom:${MFA_ENABLED_ATTRIBUTE}`;

/**
 * The custom attribute that binds a counter agent to their locations: location codes joined by commas
 * ("LAX,SFO"). Like custom:mfa_enabled, only the back end writes it (an admin appointing the agent) and
 * Cognito copies it into ID tokens, so the agent's locations are read from the verified token with no
 * lookup (http/principal.ts); a new appointment reaches the token at the agent's next sign-in.
 */
export const AGENT_LOCATIONS_ATTRIBUTE = 'agent_locations';
export const AGENT_LOCATIONS_CLAIM = `custom:${AGENT_LOCATIONS_ATTRIBUTE}`;

/** The attributes the back end alone writes, declared on the pool (lib/constructs/auth.ts, the local pool). */
export const BACK_END_ATTRIBUTES = [MFA_ENABLED_ATTRIBUTE, AGENT_LOCATIONS_ATTRIBUTE] as const;

/**
 * The only attributes a user may change with their own access token (the app client's write
 * attributes; the stack and the local pool both read this list). Never `email`: the back end finds
 * nobody by email after sign-in, but a user who could set their email to someone else's would have
 * that address in their ID token, and could sign in as it. Never a `custom:` attribute: those are
 * decisions the back end records (custom:mfa_enabled, custom:agent_locations). A customer cannot change their email; see
 * README, Accounts.
 */
export const CLIENT_WRITABLE_ATTRIBUTES = ['name', 'phone_number', 'address'] as const;

/**
 * The claims of a JWT, read without verifying it (empty when it cannot be read): for tokens Cognito
 * just issued, or that Cognito verifies itself when they are used.
 */
export const unverifiedClaims = (jwt: string): Record<string, unknown> => {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as unknown;
    return payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/** The `sub` claim of a JWT, read without verifying it (undefined when it cannot be read). */
export const unverifiedSubject = (jwt: string): string | undefined => {
  const { sub } = unverifiedClaims(jwt);
  return typeof sub === 'string' ? sub : undefined;
};
