import { generate } from 'otplib';
import { accountIdentities } from './identities';
import { accountProfiles } from './profiles';
import { createAdmin, type CreatedAdmin } from '../../domain/accounts/admin';
import type { NewAccount } from '../../domain/accounts/model';

/**
 * Creates an admin with the same use case and adapters the API uses, configured from process.env
 * (the local runtime's or a deployed stack's). With MFA, the code for enrolment is computed from the
 * new secret the way an authenticator app would. Operator tooling (bin/admin-create.ts, against a
 * deployed stage or the local runtime); the local runtime's seed uses it too, never the other way round.
 */
export const bootstrapAdmin = (account: NewAccount, enrolMfa: boolean): Promise<CreatedAdmin> =>
  createAdmin(
    { identities: accountIdentities(), profiles: accountProfiles() },
    account,
    enrolMfa ? { enrol: true, codeFor: (secret) => generate({ secret }) } : { enrol: false },
  );
