import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A running local runtime describes itself in a file named after its API port, so tools on the same
 * machine (`npm run admin:create -- --local`, the e2e tests) can reach its Cognito and tables with
 * the same environment the handlers use. Removed on stop; readable by this user only.
 */
/** The admin `npm start` seeds (local/accounts/seed-admin.ts). */
export interface SeededAdmin {
  email: string;
  password: string;
  /** Base32 TOTP secret: add it to an authenticator app (or compute codes with otplib). */
  totpSecret: string;
  otpauthUri: string;
}

export interface RuntimeDescription {
  apiUrl: string;
  env: Record<string, string>;
  admin: SeededAdmin;
}

export const runtimeFilePath = (port: number | string): string => join(tmpdir(), 'car-rental-local', `${port}.json`);

export const writeRuntimeFile = async (description: RuntimeDescription): Promise<() => Promise<void>> => {
  const path = runtimeFilePath(new URL(description.apiUrl).port);
  await mkdir(join(tmpdir(), 'car-rental-local'), { recursive: true, mode: 0o700 });
  await writeFile(path, JSON.stringify(description, null, 2), { mode: 0o600 });
  return () => rm(path, { force: true });
};

export const readRuntimeFile = async (port: number | string): Promise<RuntimeDescription> => {
  const path = runtimeFilePath(port);
  try {
    return JSON.parse(await readFile(path, 'utf8')) as RuntimeDescription;
  } catch {
    throw new Error(`No local runtime found on port ${port} (${path} is missing). Start one with \`npm start\`.`);
  }
};
