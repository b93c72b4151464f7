import { AppError, tooManyRequests } from '../../shared/errors';
import type { LoginAttempts } from './ports';

/**
 * How many sign-in attempts are let through to the password (or MFA code) check. An attempt is counted
 * *before* the check (reserved), so concurrent guesses cannot all slip past the limit, and it stops
 * counting only when the sign-in completes (password and, where on, MFA code). See README, Accounts.
 */
export interface AttemptLimit {
  /** Attempts allowed within the window; the next is refused until the window (from the first) ends. */
  maxAttempts: number;
  windowSeconds: number;
}

export interface LoginLimits {
  /** One client on one account: the hard limit on guessing. Only that client is stopped. */
  pair: AttemptLimit;
  /**
   * All clients together on one account: a higher ceiling against guessing from many addresses. It
   * does not apply to a client that has completed a sign-in to the account recently (`knownClientSeconds`),
   * so an attacker elsewhere cannot lock the owner out of their usual place.
   */
  account: AttemptLimit;
  /** One client over all accounts: stops one address sweeping many accounts (generous: NAT). */
  client: AttemptLimit;
  knownClientSeconds: number;
}

export const LOGIN_LIMITS: LoginLimits = {
  pair: { maxAttempts: 5, windowSeconds: 900 },
  account: { maxAttempts: 50, windowSeconds: 900 },
  client: { maxAttempts: 100, windowSeconds: 900 },
  knownClientSeconds: 30 * 86_400,
};

export type CounterKind = 'pair' | 'account' | 'client';

/**
 * Runs one credential check (password, MFA code, or a registration retry's request fingerprint) under
 * the attempt limits: the attempt is counted before the check, so it cannot be raced; past a limit the
 * answer is 429 with Retry-After and the credential is not even checked. An outage of a dependency
 * checked nothing: not counted. Anything else the check throws stays counted as a failure.
 */
export const withinLoginLimits = async <T>(
  attempts: LoginAttempts,
  account: string,
  client: string,
  check: () => Promise<T>,
): Promise<T> => {
  const wait = await attempts.reserve(account, client);
  if (wait > 0) throw tooManyRequests(wait, 'Too many sign-in attempts; retry after the time in Retry-After.');
  try {
    return await check();
  } catch (err) {
    if (err instanceof AppError && err.kind === 'DEPENDENCY_UNAVAILABLE') await attempts.release(account, client);
    throw err;
  }
};
