import { createAccount, type RegisterDeps } from './register';
import { verifyMfa, setupMfa, type MfaDeps } from './mfa';
import type { NewAccount, Profile } from './model';

export interface AdminDeps extends RegisterDeps, MfaDeps {}

export interface CreatedAdmin {
  profile: Profile;
  /** Present when MFA was enrolled here: the TOTP secret to put in an authenticator. */
  totp?: { secret: string; otpauthUri: string };
}

/**
 * Creates an admin (admin:create, local seeding): an account in the admin group and, unless told
 * otherwise, with TOTP enrolled straight away, because an admin without MFA is refused on every
 * admin route. `codeFor` turns the new secret into a current code, as an authenticator app would.
 */
export const createAdmin = async (
  deps: AdminDeps,
  input: NewAccount,
  mfa: { enrol: false } | { enrol: true; codeFor: (secret: string) => Promise<string> },
): Promise<CreatedAdmin> => {
  const { profile } = await createAccount(deps, input, 'admin', 'operator');
  if (!mfa.enrol) return { profile };
  const signIn = await deps.identities.signIn(profile.email, input.password);
  if (signIn.kind !== 'signedIn') throw new Error('A new admin unexpectedly needs MFA already');
  const caller = { userId: profile.userId, email: profile.email };
  const totp = await setupMfa(deps, caller, signIn.tokens.accessToken);
  await verifyMfa(deps, caller, signIn.tokens.accessToken, await mfa.codeFor(totp.secret));
  return { profile: { ...profile, mfaEnabled: true }, totp };
};
