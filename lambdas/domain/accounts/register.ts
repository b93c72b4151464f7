import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors';
import { logger } from '../../shared/logger';
import { emailTaken, IdentityAlreadyExists } from './errors';
import { normalizeEmail, type NewAccount, type Profile, type Role } from './model';
import { clock as sharedClock, type Clock } from '../../shared/clock';
import type { EmailClaim, IdentityProvider, LoginAttempts, ProfileStore } from './ports';
import { withinLoginLimits } from './login-limits';
import { matchesSlowHash, slowHash } from './slow-hash';
import { sendFirstEmailCode, type EmailVerificationDeps } from './email-verification';

/**
 * How long a registration holds its email claim. Far above a function's timeout (10 s): once it has
 * passed, the registration that made the claim is certainly over, so a retry may take the claim over.
 */
export const EMAIL_CLAIM_SECONDS = 60;

/** A retry of a registration that completed is answered as the original was, for this long after it. */
export const REPLAY_SECONDS = 600;

/** What a client retrying an unfinished registration is asked to wait: about one function timeout. */
const IN_PROGRESS_RETRY_SECONDS = 10;

export interface RegisterDeps {
  identities: IdentityProvider;
  profiles: ProfileStore;
  clock?: Clock;
}

/**
 * Who is registering: a client of the API (its source address), whose requests that meet a claimed
 * email count against the sign-in limits, or an operator on the command line (admin:create), who is trusted.
 */
export type Registrant = { client: string; attempts: LoginAttempts } | 'operator';

/** The request, field by field: a retry must send the same body (password included) to be recognised as one. */
const requestText = (email: string, input: NewAccount) =>
  JSON.stringify([email, input.password, input.name, input.phoneNumber ?? null, input.address ?? null]);

/**
 * Creates an account in three steps that leave nothing half-made, whatever fails when:
 *  1. claim the email in the users table for this attempt (serialises concurrent registrations);
 *  2. create the Cognito user (which alone holds the password);
 *  3. write the profile and make the claim permanent, in one transaction, if this attempt still holds it.
 * A failure in 2 or 3 undoes what was made, best effort. If the undo itself fails (Cognito down),
 * a Cognito user may be left without a profile: nobody can reach it through the API (no profile),
 * and the next registration with that email, holding the claim, deletes it and starts afresh, so no
 * such orphan survives a retry. A profile is written last, so it never exists without its user.
 *
 * Retries (the client saw a timeout or a 503 while the work went on): the claim keeps a slow hash of
 * the request, so a retry with the same body is recognised. It is answered with the account the first
 * attempt made (for REPLAY_SECONDS), or with 503 + Retry-After while that attempt may still be running,
 * and it takes over once the claim has lapsed. Never a second account, never a lock-out past the hold.
 * Since 201 versus 409 tells whether the password matches, every request that meets a claim counts as a
 * failed sign-in attempt of its client on that account (checked first: 429 past the limit, as sign-in),
 * unless it is recognised as a retry; so registration is no password oracle beyond what sign-in allows.
 */
export const createAccount = async (
  deps: RegisterDeps,
  input: NewAccount,
  role: Role,
  registrant: Registrant,
): Promise<{ profile: Profile; replayed: boolean }> => {
  const { identities, profiles, clock = sharedClock } = deps;
  const email = normalizeEmail(input.email);
  const now = clock.now();
  const attempt = randomUUID();
  const request = requestText(email, input);
  const heldUntil = new Date(now.getTime() + EMAIL_CLAIM_SECONDS * 1000);
  const holder = await profiles.claimEmail(email, { attempt, heldUntil, fingerprint: await slowHash(request) }, now);
  if (holder) return { profile: await answerClaimed(email, registrant, () => answerRetry(deps, holder, request, now)), replayed: true };

  let userId: string;
  try {
    userId = await createIdentity(identities, { email, password: input.password }, role);
  } catch (err) {
    await undo('release email claim', () => profiles.releaseEmail(email));
    throw err;
  }

  const stamp = now.toISOString();
  const profile: Profile = {
    userId,
    email,
    name: input.name,
    ...(input.phoneNumber ? { phoneNumber: input.phoneNumber } : {}),
    ...(input.address ? { address: input.address } : {}),
    role,
    mfaEnabled: false,
    emailVerified: role === 'admin',
    createdAt: stamp,
    updatedAt: stamp,
  };
  try {
    await profiles.create(profile, attempt);
  } catch (err) {
    // By sub: if another attempt took the claim over, the email may name its user by now.
    await undo('delete identity', () => identities.deleteUser(userId));
    await undo('release email claim', () => profiles.releaseEmail(email));
    throw err;
  }
  return { profile, replayed: false };
};

/**
 * Under the sign-in limits: a recognised retry (the account, or 503 while it is being made) does not
 * count; a 409 does, whether the password differed or the replay window is over, so counting tells nothing.
 */
const answerClaimed = async (email: string, registrant: Registrant, answer: () => Promise<Profile>) => {
  if (registrant === 'operator') return answer();
  const { attempts, client } = registrant;
  const profile = await withinLoginLimits(attempts, email, client, answer); // a 503 is released there
  await attempts.release(email, client);
  return profile;
};

/** The email is claimed: by this same request earlier (a retry), or by someone else (409). */
const answerRetry = async (deps: RegisterDeps, holder: EmailClaim, request: string, now: Date) => {
  if (!holder.fingerprint || !(await matchesSlowHash(request, holder.fingerprint))) throw emailTaken();
  if (holder.status === 'pending') {
    const wait = Math.min(IN_PROGRESS_RETRY_SECONDS, Math.max(1, (holder.heldUntil - now.getTime()) / 1000));
    throw new AppError(
      'DEPENDENCY_UNAVAILABLE',
      'This registration is still being completed; retry after the time in Retry-After.',
      undefined,
      wait,
    );
  }
  const profile = await deps.profiles.get(holder.userId);
  if (!profile || Date.parse(profile.createdAt) + REPLAY_SECONDS * 1000 < now.getTime()) throw emailTaken();
  return profile;
};

/** We hold the email claim, so an identity already under this email is an orphan of a failed attempt. */
const createIdentity = async (identities: IdentityProvider, account: { email: string; password: string }, role: Role) => {
  const emailVerified = role === 'admin';
  try {
    return await identities.createUser(account, role, emailVerified);
  } catch (err) {
    if (!(err instanceof IdentityAlreadyExists)) throw err;
    logger.warn('replacing an identity left without a profile by an earlier failed registration');
    await identities.deleteUser(account.email);
    return identities.createUser(account, role, emailVerified);
  }
};

const undo = async (what: string, step: () => Promise<void>) => {
  try {
    await step();
  } catch (err) {
    // The original failure is what the client must see; the next retry cleans up (see above).
    logger.warn(`registration rollback step failed: ${what}`, { error: err as Error });
  }
};

/** A customer account, and the first code to verify its email with (not again for a retry). */
export const registerCustomer = async (
  deps: RegisterDeps & Pick<EmailVerificationDeps, 'codes' | 'mailer'> & { attempts: LoginAttempts },
  input: NewAccount,
  client: string,
) => {
  const { profile, replayed } = await createAccount(deps, input, 'customer', { client, attempts: deps.attempts });
  if (!replayed) await sendFirstEmailCode(deps, profile);
  // The seed's answer (`userId`, `message`) unchanged; what to do next in a field of its own.
  return {
    userId: profile.userId,
    message: 'User registered successfully',
    emailVerification: {
      status: 'pending' as const,
      message: 'We emailed you a code: verify your email with it (POST /v1/users/me/email/verify) before booking.',
    },
  };
};
