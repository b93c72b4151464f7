import { logger } from '../../shared/logger';
import { IdentityAlreadyExists } from './errors';
import { normalizeEmail, type NewAccount, type Profile, type Role } from './model';
import { clock as sharedClock, type Clock } from '../../shared/clock';
import { type IdentityProvider, type ProfileStore } from './ports';

/**
 * How long a registration holds its email claim. Far above a function's timeout: once it has passed,
 * the registration that made the claim is certainly over, so a retry may take the claim over.
 */
export const EMAIL_CLAIM_SECONDS = 120;

export interface RegisterDeps {
  identities: IdentityProvider;
  profiles: ProfileStore;
  clock?: Clock;
}

/**
 * Creates an account in three steps that leave nothing half-made, whatever fails when:
 *  1. claim the email in the users table (409 if taken; serialises concurrent registrations);
 *  2. create the Cognito user (which alone holds the password);
 *  3. write the profile and make the claim permanent, in one transaction.
 * A failure in 2 or 3 undoes what was made, best effort. If the undo itself fails (Cognito down),
 * a Cognito user may be left without a profile: nobody can reach it through the API (no profile),
 * and the next registration with that email, holding the claim, deletes it and starts afresh, so no
 * such orphan survives a retry. A profile is written last, so it never exists without its user.
 */
export const createAccount = async (deps: RegisterDeps, input: NewAccount, role: Role): Promise<Profile> => {
  const { identities, profiles, clock = sharedClock } = deps;
  const email = normalizeEmail(input.email);
  const now = clock.now();
  await profiles.claimEmail(email, new Date(now.getTime() + EMAIL_CLAIM_SECONDS * 1000), now);

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
    createdAt: stamp,
    updatedAt: stamp,
  };
  try {
    await profiles.create(profile);
  } catch (err) {
    await undo('delete identity', () => identities.deleteUser(email));
    await undo('release email claim', () => profiles.releaseEmail(email));
    throw err;
  }
  return profile;
};

/** We hold the email claim, so an identity already under this email is an orphan of a failed attempt. */
const createIdentity = async (identities: IdentityProvider, account: { email: string; password: string }, role: Role) => {
  try {
    return await identities.createUser(account, role);
  } catch (err) {
    if (!(err instanceof IdentityAlreadyExists)) throw err;
    logger.warn('replacing an identity left without a profile by an earlier failed registration');
    await identities.deleteUser(account.email);
    return identities.createUser(account, role);
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

export const registerCustomer = async (deps: RegisterDeps, input: NewAccount) => {
  const profile = await createAccount(deps, input, 'customer');
  return { userId: profile.userId, message: 'User registered successfully' };
};
