import { tooManyRequests } from '../../shared/errors';
import { logger } from '../../shared/logger';
import { invalidMfaSession, isInvalidCredentials } from './errors';
import { normalizeEmail, type SignInResult } from './model';
import type { IdentityProvider, LoginAttempts } from './ports';

export interface SessionDeps {
  identities: IdentityProvider;
  attempts: LoginAttempts;
}

/**
 * Signs in with email and password. Failed attempts are counted per account and per client; past the
 * limit the answer is 429 with Retry-After, *before* the password is even checked, so guessing stops
 * paying off, and the count expires so the real owner is never locked out for good.
 */
export const login = async (deps: SessionDeps, email: string, password: string, client: string): Promise<SignInResult> => {
  const account = normalizeEmail(email);
  const wait = await deps.attempts.retryAfter(account, client);
  if (wait > 0) throw tooManyRequests(wait, 'Too many failed sign-ins; retry after the time in Retry-After.');
  try {
    const result = await deps.identities.signIn(account, password);
    await deps.attempts.reset(account);
    if (result.kind === 'signedIn') return result;
    return { kind: 'mfaRequired', session: wrapSession(account, result.session) };
  } catch (err) {
    if (isInvalidCredentials(err)) await deps.attempts.recordFailure(account, client);
    throw err;
  }
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
    if (typeof e === 'string' && typeof s === 'string' && e && s) return { email: e, session: s };
  } catch {
    // falls through to the 401 below
  }
  throw invalidMfaSession();
};

export const answerMfaChallenge = async (deps: Pick<SessionDeps, 'identities'>, session: string, code: string) => {
  const { email, session: cognitoSession } = unwrapSession(session);
  return deps.identities.answerMfaChallenge(email, cognitoSession, code);
};

export const refreshSession = (deps: Pick<SessionDeps, 'identities'>, refreshToken: string) =>
  deps.identities.refresh(refreshToken);

export const logout = async (deps: Pick<SessionDeps, 'identities'>, refreshToken: string) => {
  await deps.identities.revoke(refreshToken);
  logger.info('refresh token revoked');
};
