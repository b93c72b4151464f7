import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { generate } from 'otplib';
import { readRuntimeFile, type RuntimeDescription } from '../../local/runtime-file';
import { registerCustomer } from './booking-client';
import { apiUrl, request } from './local-runtime';

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
 * Password, then the TOTP code. A code that already signed this user in is refused for its whole
 * validity (as Cognito does), and e2e files sign the seeded admin in within seconds of each other: on a
 * refusal, sign in again with the next 30-second step's code.
 */
export const signInWithTotp = async (email: string, password: string, totpSecret?: string): Promise<{ token: string; userId: string }> => {
  for (let attempt = 1; ; attempt++) {
    const first = await post('/users/login', { email, password });
    if (first.status !== 200) throw new Error(`login failed: ${first.status} ${JSON.stringify(first.body)}`);
    if (first.body.token) return first.body;
    if (!totpSecret) throw new Error('login asked for MFA but no TOTP secret is known');
    const answered = await post('/users/login/mfa', { session: first.body.session, code: await generate({ secret: totpSecret }) });
    if (answered.status === 200) return answered.body;
    if (answered.status !== 401 || attempt >= 4) throw new Error(`MFA answer failed: ${answered.status} ${JSON.stringify(answered.body)}`);
    await sleep(30_000 - (Date.now() % 30_000) + 500);
  }
};

const login = async (email: string, password: string, totpSecret?: string): Promise<string> =>
  (await signInWithTotp(email, password, totpSecret)).token;

let admin: Promise<string> | undefined;
export const adminToken = () => (admin ??= runtimeDescription().then(({ admin: a }) => login(a.email, a.password, a.totpSecret)));

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
