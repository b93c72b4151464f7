import { unverifiedClaims, unverifiedSubject } from '../../shared/auth-claims';
import { forbidden, unauthenticated } from '../../shared/errors';
import type { IdentityProvider, ProfileStore } from './ports';
import { clock as sharedClock, type Clock } from '../../shared/clock';

export interface MfaDeps {
  identities: IdentityProvider;
  profiles: ProfileStore;
  clock?: Clock;
}

/** Who is asking, as the verified ID token says. */
export interface Caller {
  userId: string;
  email: string;
}

export const TOTP_ISSUER = 'Car Rental';

/** The URI authenticator apps read from a QR code (Key URI Format). */
export const otpauthUri = (email: string, secret: string, issuer = TOTP_ISSUER): string =>
  `otpauth://totp/${encodeURIComponent(`${issuer}:${email}`)}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=30`;

/**
 * The access token must be the caller's own. Without this, someone holding another user's access
 * token could enrol an authenticator on that account and have MFA recorded as on for their own.
 */
const requireOwnAccessToken = (caller: Caller, accessToken: string) => {
  // An ID token here is a client mistake, not a server failure: Cognito would refuse it with an error of its own.
  if (unverifiedClaims(accessToken).token_use !== 'access') {
    throw unauthenticated('X-Access-Token must be the `accessToken` from the sign-in response (not the ID token sent as Bearer).');
  }
  if (unverifiedSubject(accessToken) !== caller.userId) {
    throw forbidden('The access token (X-Access-Token) belongs to another user than the bearer token.');
  }
};

export const setupMfa = async (deps: Pick<MfaDeps, 'identities'>, caller: Caller, accessToken: string) => {
  requireOwnAccessToken(caller, accessToken);
  const secret = await deps.identities.associateTotp(accessToken);
  return { secret, otpauthUri: otpauthUri(caller.email, secret) };
};

/**
 * Turns MFA on: the code proves the authenticator works, then the flag is recorded on the identity
 * (so new ID tokens carry it: the admin check reads it there) and on the profile (so /users/me shows it).
 */
export const verifyMfa = async (deps: MfaDeps, caller: Caller, accessToken: string, code: string) => {
  requireOwnAccessToken(caller, accessToken);
  await deps.identities.enableTotp(accessToken, code);
  // By sub, never by email: an email is an attribute that names whoever holds it now.
  await deps.identities.markMfaEnabled(caller.userId);
  await deps.profiles.update(caller.userId, { mfaEnabled: true }, (deps.clock ?? sharedClock).now());
  return {
    mfaEnabled: true as const,
    message: 'MFA is on. Sign in again: you will be asked for a code, and the new token carries MFA.',
  };
};
