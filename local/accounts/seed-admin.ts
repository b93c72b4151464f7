import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generatePassword } from '../../lambdas/domain/accounts/password-policy';
import { bootstrapAdmin } from '../../bin/support/admin-bootstrap';
import type { SeededAdmin } from '../../bin/support/runtime-file';

export const LOCAL_ADMIN_EMAIL = 'admin@carrental.local';
const SEED_FILE = 'seeded-admin.json';

/**
 * One admin with MFA on, so admin routes can be tried at once. Its password and TOTP secret are
 * printed in the banner. With a data dir they are kept there (the account persists); otherwise the
 * admin is created afresh on each start.
 */
export const seedLocalAdmin = async (dataDir?: string): Promise<SeededAdmin> => {
  const seedFile = dataDir ? join(dataDir, SEED_FILE) : undefined;
  if (seedFile && existsSync(seedFile)) return JSON.parse(await readFile(seedFile, 'utf8')) as SeededAdmin;
  const password = generatePassword();
  const { totp } = await bootstrapAdmin({ email: LOCAL_ADMIN_EMAIL, password, name: 'Local Admin' }, true);
  const admin: SeededAdmin = { email: LOCAL_ADMIN_EMAIL, password, totpSecret: totp!.secret, otpauthUri: totp!.otpauthUri };
  if (seedFile) await writeFile(seedFile, JSON.stringify(admin, null, 2), { mode: 0o600 });
  return admin;
};
