import { generate } from 'otplib';
import { readRuntimeFile, type RuntimeDescription } from '../../bin/support/runtime-file';
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
