import { conflict, unauthenticated } from '../../shared/errors';

/**
 * One message for an unknown email and for a wrong password, so the answer never tells whether an
 * account exists (no account enumeration).
 */
export const INVALID_CREDENTIALS = 'The email or password is incorrect.';
export const invalidCredentials = () => unauthenticated(INVALID_CREDENTIALS);

export const invalidMfaCode = () => unauthenticated('The code is wrong or has expired. Use the current code from your authenticator.');
export const invalidMfaSession = () => unauthenticated('The sign-in session is invalid or has expired; sign in again.');
export const invalidRefreshToken = () => unauthenticated('The refresh token is invalid, expired or revoked; sign in again.');

export const EMAIL_TAKEN = 'An account with this email already exists.';
export const emailTaken = () => conflict(EMAIL_TAKEN, { fields: [{ field: 'body.email', message: EMAIL_TAKEN }] });

/** The identity provider already holds a user under this email (see register.ts on orphans). */
export class IdentityAlreadyExists extends Error {
  constructor(readonly email: string) {
    super(`An identity already exists for ${email}`);
    this.name = 'IdentityAlreadyExists';
  }
}
