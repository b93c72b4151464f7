import type { SessionTokens } from '../domain/accounts/model';
import type { Caller } from '../domain/accounts/mfa';
import type { Principal } from '../http/principal';
import { unauthenticated } from '../shared/errors';

/** Session tokens as the API shows them: the ID token is the bearer `token`. */
export const sessionBody = ({ userId, idToken, accessToken, refreshToken, expiresIn }: SessionTokens) => ({
  userId,
  token: idToken,
  accessToken,
  ...(refreshToken ? { refreshToken } : {}),
  expiresIn,
});

/** A protected route always has a principal; its ID token always carries the email. */
export const callerOf = (principal: Principal | undefined): Caller => {
  if (!principal?.email) throw unauthenticated('The bearer token carries no email; sign in again.');
  return { userId: principal.userId, email: principal.email };
};
