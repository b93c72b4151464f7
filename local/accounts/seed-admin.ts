import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EMAIL_TAKEN } from '../../lambdas/domain/accounts/errors';
import { generatePassword } from '../../lambdas/domain/accounts/password-policy';
import { AppError } from '../../lambdas/shared/errors';
import { bootstrapAdmin } from '../../lambdas/adapters/accounts/admin-bootstrap';
import type { SeededAdmin } from '../runtime-file';

export const LOCAL_ADMIN_EMAIL = 'admin@carrental.local';
const SEED_FILE = 'seeded-admin.json';

const isEmailTaken = (err: unknown) => err instanceof AppError && err.kind === 'CONFLICT' && err.message === EMAIL_TAKEN;

/**
 * One admin with MFA on, so admin routes can be tried at once. Its password and TOTP secret are
 * printed in the banner. With a data dir they are kept there (the account persists); otherwise the
 * admin is created afresh on each start.
 *
 * Idempotent: accounts can outlive what is known of their credentials (an external DynamoDB or Cognito
 * with no data dir, a first start stopped between creating the admin and writing the seed file, a data
 * dir from before the seed file). The admin's password cannot be read back, so when the address is
 * taken the start seeds `admin-<random>@carrental.local` instead of failing, and keeps that one in the
 * seed file for the starts after it.
 */
export const seedLocalAdmin = async (dataDir?: string, log: (line: string) => void = () => undefined): Promise<SeededAdmin> => {
  const seedFile = dataDir ? join(dataDir, SEED_FILE) : undefined;
  if (seedFile && existsSync(seedFile)) return JSON.parse(await readFile(seedFile, 'utf8')) as SeededAdmin;
  let admin: SeededAdmin;
  try {
    admin = await createLocalAdmin(LOCAL_ADMIN_EMAIL);
  } catch (err) {
    if (!isEmailTaken(err)) throw err;
    const email = `admin-${randomUUID().slice(0, 8)}@carrental.local`;
    log(`${LOCAL_ADMIN_EMAIL} already exists from an earlier start, with a password not known here: seeding ${email} instead`);
    admin = await createLocalAdmin(email);
  }
  if (seedFile) await writeFile(seedFile, JSON.stringify(admin, null, 2), { mode: 0o600 });
  return admin;
};

const createLocalAdmin = async (email: string): Promise<SeededAdmin> => {
  const password = generatePassword();
  const { totp } = await bootstrapAdmin({ email, password, name: 'Local Admin' }, true);
  return { email, password, totpSecret: totp!.secret, otpauthUri: totp!.otpauthUri };
};
