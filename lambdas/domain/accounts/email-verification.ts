import { randomInt } from 'node:crypto';
import { clock as sharedClock, type Clock } from '../../shared/clock';
import { conflict, notFound, tooManyRequests, validationError } from '../../shared/errors';
import { logger } from '../../shared/logger';
import type { Profile } from './model';
import { matchesSlowHash, slowHash } from './slow-hash';
import type { AccountMailer, EmailCode, EmailCodeStore, IdentityProvider, ProfileStore } from './ports';

/** Proving the email: a 6-digit code, sent by email, entered at POST /users/me/email/verify. */
export const EMAIL_CODE_RULES = {
  /** How long a code works. */
  ttlSeconds: 3600,
  /** Wrong entries of one code; then only a new code helps. */
  maxAttempts: 5,
  /** Between two codes sent to an account. */
  resendAfterSeconds: 60,
  /** Codes sent to an account per day: the address may be someone else's (a registration nobody verified). */
  maxSendsPerDay: 5,
};

const DAY_MS = 86_400_000;

/** When a stored code stops mattering (epoch ms): it has expired and its day of counted sends is over. */
export const emailCodeKeptUntil = (code: EmailCode): number => Math.max(code.expiresAt, code.sendsSince + DAY_MS);

export interface EmailVerificationDeps {
  codes: EmailCodeStore;
  mailer: AccountMailer;
  profiles: ProfileStore;
  identities: IdentityProvider;
  clock?: Clock;
}

const codeEmail = (code: string) => ({
  subject: 'Your Car Rental verification code',
  text:
    `Your verification code is ${code}\n\nEnter it in the app to confirm this email address. It works for ` +
    `${EMAIL_CODE_RULES.ttlSeconds / 60} minutes. If you did not create a Car Rental account, ignore this email.`,
});

/**
 * Makes a new code (replacing any earlier one) and emails it. Refused with 429 while the last code is
 * younger than resendAfterSeconds, or when today's codes are used up. Written before it is sent, with
 * a compare-and-set: two concurrent requests cannot both send.
 */
export const sendEmailCode = async (
  deps: Pick<EmailVerificationDeps, 'codes' | 'mailer' | 'clock'>,
  profile: Pick<Profile, 'userId' | 'email'>,
) => {
  const now = (deps.clock ?? sharedClock).now().getTime();
  const current = await deps.codes.get(profile.userId);
  const newDay = !current || now - current.sendsSince >= DAY_MS;
  const wait = Math.max(
    current ? current.sentAt + EMAIL_CODE_RULES.resendAfterSeconds * 1000 - now : 0,
    !newDay && current.sends >= EMAIL_CODE_RULES.maxSendsPerDay ? current.sendsSince + DAY_MS - now : 0,
  );
  if (wait > 0) throw tooManyRequests(wait / 1000, 'A code was sent recently; retry after the time in Retry-After.');
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const next: EmailCode = {
    // Only a slow hash of the code is stored, bound to the user.
    ...(await slowHash(`${profile.userId}:${code}`)),
    expiresAt: now + EMAIL_CODE_RULES.ttlSeconds * 1000,
    attempts: 0,
    sentAt: now,
    sendsSince: newDay ? now : current.sendsSince,
    sends: newDay ? 1 : current.sends + 1,
  };
  if (!(await deps.codes.replace(profile.userId, next, current))) {
    throw tooManyRequests(EMAIL_CODE_RULES.resendAfterSeconds, 'A code is being sent already; retry after the time in Retry-After.');
  }
  await deps.mailer.send(profile.email, codeEmail(code));
};

/** At registration: a failure to send must not fail the registration (a new code can be asked for). */
export const sendFirstEmailCode = async (deps: Pick<EmailVerificationDeps, 'codes' | 'mailer' | 'clock'>, profile: Profile) => {
  try {
    await sendEmailCode(deps, profile);
  } catch (err) {
    logger.warn('verification code not sent at registration; the user can ask for one', { error: err as Error });
  }
};

const wrongCode = () => validationError([{ field: 'body.code', message: 'The code is wrong or has expired.' }]);

/**
 * Checks a code. The attempt is counted before the hash is compared (compare-and-set), so concurrent
 * guesses cannot exceed maxAttempts. On success the identity (so new ID tokens say email_verified)
 * and the profile record it, and the code is gone. Verifying an already verified email is a no-op.
 */
export const verifyEmailCode = async (deps: EmailVerificationDeps, userId: string, code: string) => {
  const profile = await deps.profiles.get(userId);
  if (!profile) throw notFound('User');
  if (profile.emailVerified) return verified();
  const now = (deps.clock ?? sharedClock).now().getTime();
  const current = await deps.codes.get(userId);
  if (!current || current.expiresAt <= now) throw wrongCode();
  if (current.attempts >= EMAIL_CODE_RULES.maxAttempts) {
    throw tooManyRequests(
      Math.max(1, (current.sentAt + EMAIL_CODE_RULES.resendAfterSeconds * 1000 - now) / 1000),
      'Too many wrong codes: ask for a new one at POST /v1/users/me/email/verification.',
    );
  }
  if (!(await deps.codes.replace(userId, { ...current, attempts: current.attempts + 1 }, current))) {
    throw tooManyRequests(1, 'Another check of this code is under way; retry.');
  }
  if (!(await matchesSlowHash(`${userId}:${code}`, current))) throw wrongCode();
  await deps.identities.markEmailVerified(userId);
  await deps.profiles.update(userId, { emailVerified: true }, new Date(now));
  await deps.codes.delete(userId);
  return verified();
};

const verified = () => ({
  emailVerified: true as const,
  message:
    'Email verified. Refresh your token (POST /v1/users/token/refresh) or sign in again: booking and paying need a token issued after this.',
});

/** POST /users/me/email/verification: a new code, unless the email is verified already. */
export const resendEmailCode = async (deps: Pick<EmailVerificationDeps, 'codes' | 'mailer' | 'profiles' | 'clock'>, userId: string) => {
  const profile = await deps.profiles.get(userId);
  if (!profile) throw notFound('User');
  if (profile.emailVerified) throw conflict('This email is verified already.');
  await sendEmailCode(deps, profile);
  return { message: `A new code was sent to ${profile.email}. It works for ${EMAIL_CODE_RULES.ttlSeconds / 60} minutes.` };
};
