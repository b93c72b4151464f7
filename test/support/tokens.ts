import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { generate } from 'otplib';
import { readRuntimeFile, type RuntimeDescription } from '../../local/runtime-file';
import { registerCustomer } from './booking-client';
import { apiUrl, onSharedRuntime, request } from './local-runtime';

/**
 * Bearer tokens for e2e tests, obtained the way a client does: the admin the local runtime seeded
 * (MFA on, credentials from the runtime's description file) and a freshly registered, verified customer.
 */
let runtime: Promise<RuntimeDescription> | undefined;
export const runtimeDescription = () => (runtime ??= readRuntimeFile(new URL(apiUrl()).port));

const post = (path: string, body: unknown) =>
  request(`${apiUrl()}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A TOTP code signs its user in once (cognito-guard.cjs refuses it again, as Cognito does), and e2e files
 * run side by side: before answering with a code, a sign-in claims its 30-second step for that user on
 * that runtime, with a file every jest worker sees, created only if no one has it. A step already claimed,
 * or with less than `timeNeededMs` of it left to sign in within, sends the caller on to the next one. The
 * walk-through test claims one before it runs the admin's script, which signs in with the current step's code.
 */
export const claimTotpStep = async (email: string, timeNeededMs = 5_000): Promise<void> => {
  const dir = path.join(tmpdir(), 'car-rental-e2e-totp', new URL(apiUrl()).port);
  mkdirSync(dir, { recursive: true });
  for (;;) {
    const now = Date.now();
    const step = Math.floor(now / 30_000);
    const left = (step + 1) * 30_000 - now;
    if (left > timeNeededMs) {
      try {
        writeFileSync(path.join(dir, `${encodeURIComponent(email)}-${step}`), String(process.pid), { flag: 'wx' });
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    await sleep(left + 250);
  }
};

/** Forgets the claims made on the runtime at `url` (the global teardown, as it stops it). */
export const forgetTotpSteps = (url: string): void =>
  rmSync(path.join(tmpdir(), 'car-rental-e2e-totp', new URL(url).port), { recursive: true, force: true });

/** Password, then the TOTP code of a step claimed for it; a refused code (a script's sign-in took it) is retried with the next. */
export const signInWithTotp = async (email: string, password: string, totpSecret?: string): Promise<{ token: string; userId: string }> => {
  for (let attempt = 1; ; attempt++) {
    const first = await post('/users/login', { email, password });
    if (first.status !== 200) throw new Error(`login failed: ${first.status} ${JSON.stringify(first.body)}`);
    if (first.body.token) return first.body;
    if (!totpSecret) throw new Error('login asked for MFA but no TOTP secret is known');
    await claimTotpStep(email);
    const answered = await post('/users/login/mfa', { session: first.body.session, code: await generate({ secret: totpSecret }) });
    if (answered.status === 200) return answered.body;
    if (answered.status !== 401 || attempt >= 4) throw new Error(`MFA answer failed: ${answered.status} ${JSON.stringify(answered.body)}`);
  }
};

const login = async (email: string, password: string, totpSecret?: string): Promise<string> =>
  (await signInWithTotp(email, password, totpSecret)).token;

/** The seeded admin signed in (MFA), on the runtime the e2e client is pointed at now. */
export const signInSeededAdmin = () => runtimeDescription().then(({ admin: a }) => login(a.email, a.password, a.totpSecret));

let admin: Promise<string> | undefined;
/**
 * The seeded admin's ID token: on the shared runtime, the one the global setup signed in (E2E_ADMIN_TOKEN;
 * tokens live 24 h), so that files side by side do not queue for TOTP steps; on a file's own runtime, its own.
 */
export const adminToken = () =>
  (admin ??= onSharedRuntime() && process.env.E2E_ADMIN_TOKEN ? Promise.resolve(process.env.E2E_ADMIN_TOKEN) : signInSeededAdmin());

let customer: Promise<string> | undefined;
/** A new customer with a verified email (booking-client.ts registers it). */
export const customerToken = () => (customer ??= registerCustomer().then((c) => c.token));

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const ROOT = path.resolve(__dirname, '../..');

/** `npm run admin:create -- <args>` (bin/admin-create.ts, through tsx as the npm script runs it); its output. */
export const adminCreate = async (...args: string[]): Promise<string> => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'bin/admin-create.ts', ...args],
    { cwd: ROOT },
  );
  return stdout;
};

/**
 * A new admin made the way an operator does with `npm run admin:create -- --no-mfa --local <port>`, signed
 * in: MFA is off, so there is no challenge and the ID token carries no custom:mfa_enabled.
 */
export const adminWithoutMfa = async (): Promise<{ email: string; userId: string; token: string; output: string }> => {
  const email = `no-mfa-admin-${randomUUID().slice(0, 8)}@example.com`;
  const output = await adminCreate('--email', email, '--name', 'No MFA Admin', '--no-mfa', '--local', new URL(apiUrl()).port);
  const password = /Password: (\S+)/.exec(output)?.[1];
  if (!password) throw new Error(`admin:create printed no password:\n${output}`);
  const { token, userId } = await signInWithTotp(email, password);
  return { email, userId, token, output };
};
