import { logger } from '../../shared/logger';
import { invalidMfaSession } from './errors';
import { withinLoginLimits } from './login-limits';
import { normalizeEmail, type SignInResult } from './model';
import type { IdentityProvider, LoginAttempts } from './ports';

export interface SessionDeps {
  identities: IdentityProvider;
  attempts: LoginAttempts;
}

/**
 * Signs in with email and password. A correct password for an account with MFA on does not clear the
 * earlier failures: only the code completes the sign-in, and wrong codes count as well (answerMfaChallenge).
 */
export const login = async (deps: SessionDeps, email: string, password: string, client: string): Promise<SignInResult> => {
  const account = normalizeEmail(email);
  const result = await withinLoginLimits(deps.attempts, account, client, () => deps.identities.signIn(account, password));
  if (result.kind === 'mfaRequired') {
    // A right password is not a failed attempt, but it clears none: the count waits for the code.
    await deps.attempts.release(account, client);
    return { kind: 'mfaRequired', session: wrapSession(account, result.session) };
  }
  await deps.attempts.succeeded(account, client);
  return result;
};

/**
 * Cognito's challenge answer needs the username as well as its session, and the API's challenge
 * answer is `{ session, code }`, so the session handed to the client carries both. Tampering gains
 * nothing: Cognito binds its session to the user and rejects a mismatch.
 */
const wrapSession = (email: string, session: string) => Buffer.from(JSON.stringify({ e: email, s: session })).toString('base64url');

const unwrapSession = (wrapped: string): { email: string; session: string } => {
  try {
    const { e, s } = JSON.parse(Buffer.from(wrapped, 'base64url').toString('utf8')) as { e?: unknown; s?: unknown };
    if (typeof e === 'string' && typeof s === 'string' && e && s) return { email: normalizeEmail(e), session: s };
  } catch {
    // falls through to the 401 below
  }
  throw invalidMfaSession();
};

/** The code completes the sign-in; a wrong code counts against the account and client as a wrong password does. */
export const answerMfaChallenge = async (deps: SessionDeps, session: string, code: string, client: string) => {
  const { email, session: cognitoSession } = unwrapSession(session);
  const tokens = await withinLoginLimits(deps.attempts, email, client, () =>
    deps.identities.answerMfaChallenge(email, cognitoSession, code),
  );
  await deps.attempts.succeeded(email, client);
  return tokens;
};

export const refreshSession = (deps: Pick<SessionDeps, 'identities'>, refreshToken: string) => deps.identities.refresh(refreshToken);

export const logout = async (deps: Pick<SessionDeps, 'identities'>, refreshToken: string) => {
  await deps.identities.revoke(refreshToken);
  logger.info('refresh token revoked');
};
