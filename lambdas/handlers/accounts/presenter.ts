import type { Profile, SessionTokens } from '../../domain/accounts/model';
import type { Caller } from '../../domain/accounts/mfa';
import type { Principal } from '../../http/principal';
import { unauthenticated } from '../../shared/errors';

/** Session tokens as the API shows them: the ID token is the bearer `token`. */
export const sessionBody = ({ userId, idToken, accessToken, refreshToken, expiresIn }: SessionTokens) => ({
  userId,
  token: idToken,
  accessToken,
  ...(refreshToken ? { refreshToken } : {}),
  expiresIn,
});

/** Tokens must not be kept by a browser or a proxy cache (RFC 6749 5.1); Pragma for HTTP/1.0 caches. */
export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/** A reply that carries tokens (or a sign-in session): never cached. */
export const tokenReply = (body: unknown) => ({ body, headers: { ...NO_STORE } });

/** A protected route always has a principal; its ID token always carries the email. */
export const callerOf = (principal: Principal | undefined): Caller => {
  if (!principal?.email) throw unauthenticated('The bearer token carries no email; sign in again.');
  return { userId: principal.userId, email: principal.email };
};

/** A profile as v1 shows it (frozen): without the driver details v2 added. */
export const v1Profile = ({
  dateOfBirth: _dateOfBirth,
  licence: _licence,
  ...profile
}: Profile): Omit<Profile, 'dateOfBirth' | 'licence'> => profile;
