import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { generate } from 'otplib';
import { LOGIN_LIMITS } from '../../lambdas/domain/accounts/login-limits';
import { readRuntimeFile, type RuntimeDescription } from '../../local/runtime-file';
import { cognitoLocalPrivateKey, freshPrivateKey, signJwt } from '../support/jwt';
import { apiUrl, request, type JsonResponse } from '../support/local-runtime';
import { emailedCode, mailbox as mailboxFor } from '../support/booking-client';
import { adminCreate, claimTotpStep, signInWithTotp } from '../support/tokens';
import { GATEWAY_ERRORS } from '../../lib/api/gateway-responses';

// Accounts over HTTP against `npm start`, as a client would use them.
const api = apiUrl();
const password = 'Sup3r-secret!';
const newEmail = () => `e2e-${randomUUID().slice(0, 8)}@example.com`;
let runtime: RuntimeDescription;

beforeAll(async () => {
  runtime = await readRuntimeFile(new URL(api).port);
});

const GATEWAY_THROTTLED = GATEWAY_ERRORS.throttled.message;

/** JSON call; waits out the gateway's per-route throttle (shared by every e2e file) rather than flaking. */
const call = async (method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<any>> => {
  for (let attempt = 0; ; attempt++) {
    const res = await request(`${api}${route}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    if (res.status !== 429 || res.body?.error?.message !== GATEWAY_THROTTLED || attempt === 5) return res;
    await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
  }
};
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const register = async (email = newEmail()) => {
  const res = await call('POST', '/users/register', {
    name: 'Ada Lovelace',
    email,
    password,
    phoneNumber: '+14155550123',
    address: '12 Analytical Row',
  });
  expect(res.status).toBe(201);
  // The seed's answer word for word; the verification hint in a field of its own.
  expect(res.body).toEqual({
    userId: expect.any(String),
    message: 'User registered successfully',
    emailVerification: { status: 'pending', message: expect.stringMatching(/verify your email/) },
  });
  return { email, userId: res.body.userId as string };
};
const login = (email: string, pw = password) => call('POST', '/users/login', { email, password: pw });

/** Signs in with a TOTP secret: password, challenge, code. */
const loginWithMfa = async (email: string, pw: string, secret: string) => {
  const challenge = await login(email, pw);
  expect(challenge.status).toBe(200);
  expect(challenge.body).toMatchObject({ challenge: 'SOFTWARE_TOKEN_MFA', session: expect.any(String) });
  await claimTotpStep(email); // a step no other file's sign-in of this user uses (tokens.ts)
  const done = await call('POST', '/users/login/mfa', { session: challenge.body.session, code: await generate({ secret }) });
  // Refused all the same (a slow machine took the answer into the next step, another's): the next step's does.
  if (done.status === 401) return signInWithTotp(email, pw, secret);
  expect(done.status).toBe(200);
  expect(done.headers.get('cache-control')).toBe('no-store');
  return done.body as { userId: string; token: string };
};

describe('customer journey', () => {
  it('register -> login -> me -> update -> refresh -> logout -> refresh refused', async () => {
    const { email, userId } = await register();
    const session = await login(email.toUpperCase());
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({
      userId,
      token: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: expect.any(Number),
    });
    const { token, refreshToken } = session.body;

    const me = await call('GET', '/users/me', undefined, bearer(token));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ userId, email, name: 'Ada Lovelace', role: 'customer', mfaEnabled: false });

    const updated = await call('PUT', '/users/me', { address: '1 New Street', phoneNumber: '+447700900123' }, bearer(token));
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ address: '1 New Street', phoneNumber: '+447700900123', email, role: 'customer' });

    const refreshed = await call('POST', '/users/token/refresh', { refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await call('GET', '/users/me', undefined, bearer(refreshed.body.token))).body.address).toBe('1 New Street');

    expect((await call('POST', '/users/logout', { refreshToken })).status).toBe(204);
    const refused = await call('POST', '/users/token/refresh', { refreshToken });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('MFA: setup -> verify -> login answers a challenge -> a TOTP code gives the token', async () => {
    const { email, userId } = await register();
    const { token, accessToken } = (await login(email)).body;
    const setup = await call('POST', '/users/me/mfa/setup', undefined, { ...bearer(token), 'x-access-token': accessToken });
    expect(setup.status).toBe(200);
    expect(setup.body.otpauthUri).toContain(`secret=${setup.body.secret}`);

    const wrong = await call('POST', '/users/me/mfa/verify', { code: '000000' }, { ...bearer(token), 'x-access-token': accessToken });
    expect(wrong.status).toBe(401);
    const verified = await call(
      'POST',
      '/users/me/mfa/verify',
      { code: await generate({ secret: setup.body.secret }) },
      { ...bearer(token), 'x-access-token': accessToken },
    );
    expect(verified.status).toBe(200);
    expect(verified.body.mfaEnabled).toBe(true);

    const signedIn = await loginWithMfa(email, password, setup.body.secret);
    expect(signedIn.userId).toBe(userId);
    expect((await call('GET', '/users/me', undefined, bearer(signedIn.token))).body.mfaEnabled).toBe(true);

    const challenge = await login(email);
    const badCode = await call('POST', '/users/login/mfa', { session: challenge.body.session, code: '000000' });
    expect(badCode.status).toBe(401);
  });
});

describe('admins', () => {
  it('the seeded admin signs in with MFA and may use admin routes', async () => {
    const { admin } = runtime;
    const { token } = await loginWithMfa(admin.email, admin.password, admin.totpSecret);
    const { userId } = await register();
    const res = await call('GET', `/users/${userId}`, undefined, bearer(token));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId, role: 'customer' });
    expect((await call('GET', `/users/${randomUUID()}`, undefined, bearer(token))).status).toBe(404);
  });

  it('an admin without MFA is refused on admin routes (403 saying why); a customer is refused too', async () => {
    const email = newEmail();
    const out = await adminCreate('--email', email, '--name', 'No MFA Admin', '--no-mfa', '--local', new URL(api).port);
    expect(out).toContain('MFA is OFF');
    const adminPassword = /Password: (\S+)/.exec(out)![1];
    const adminSession = await login(email, adminPassword);
    expect(adminSession.status).toBe(200); // no challenge: MFA is off
    const refused = await call('GET', `/users/${adminSession.body.userId}`, undefined, bearer(adminSession.body.token));
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/must have MFA on/);
    // Still a signed-in user on customer routes.
    expect((await call('GET', '/users/me', undefined, bearer(adminSession.body.token))).body.role).toBe('admin');

    const customer = await register();
    const { token } = (await login(customer.email)).body;
    const forbidden = await call('GET', `/users/${customer.userId}`, undefined, bearer(token));
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.message).toMatch(/administrators only/);
  }, 60_000);

  it('nobody can make themselves admin through a body', async () => {
    for (const extra of [{ role: 'admin' }, { userId: 'x' }, { groups: ['admin'] }, { 'cognito:groups': 'admin' }]) {
      const res = await call('POST', '/users/register', {
        name: 'Eve',
        email: newEmail(),
        password,
        phoneNumber: '+14155550123',
        address: 'x',
        ...extra,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields).toContainEqual(expect.objectContaining({ field: `body.${Object.keys(extra)[0]}` }));
    }
    const { email } = await register();
    const { token } = (await login(email)).body;
    const res = await call('PUT', '/users/me', { name: 'Eve', role: 'admin' }, bearer(token));
    expect(res.status).toBe(400);
    expect((await call('GET', '/users/me', undefined, bearer(token))).body.role).toBe('customer');
  });
});

describe('bad input and failures', () => {
  it('400 naming each bad field: email, E.164 phone, password rule, missing and mistyped fields', async () => {
    const res = await call('POST', '/users/register', { name: 42, email: 'not-an-email', password: 'password', phoneNumber: '555-1234' });
    expect(res.status).toBe(400);
    const fields = Object.fromEntries(res.body.error.details.fields.map((f: { field: string; message: string }) => [f.field, f.message]));
    expect(Object.keys(fields).sort()).toEqual(['body.address', 'body.email', 'body.name', 'body.password', 'body.phoneNumber']);
    expect(fields['body.phoneNumber']).toMatch(/E\.164/);
    expect(fields['body.password']).toMatch(/at least 10 characters.*an uppercase letter.*a digit.*a symbol/);
  });

  it('400 for a body that is not JSON; 413 for an oversized one', async () => {
    const notJson = await call('POST', '/users/login', '{"email": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.details.fields[0]).toEqual({ field: 'body', message: 'The body is not valid JSON.' });
    const big = await call('POST', '/users/register', { name: 'x'.repeat(70 * 1024) });
    expect(big.status).toBe(413);
  });

  it('409 for an email already registered, whatever its case', async () => {
    const { email } = await register();
    const res = await call('POST', '/users/register', {
      name: 'Ada',
      email: email.toUpperCase(),
      password,
      phoneNumber: '+14155550123',
      address: 'x',
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CONFLICT');
  });

  it('401 with the same message for an unknown email and a wrong password', async () => {
    const { email } = await register();
    const unknown = await login(newEmail());
    const wrong = await login(email, 'Wrong-pass1!');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('401 for a missing, malformed, expired or forged token', async () => {
    const { email } = await register();
    const { token } = (await login(email)).body;
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    const now = Math.floor(Date.now() / 1000);
    const expired = signJwt({ ...claims, iat: now - 7200, exp: now - 3600 }, cognitoLocalPrivateKey());
    const forged = signJwt({ ...claims, 'cognito:groups': ['admin'], 'custom:mfa_enabled': 'true' }, freshPrivateKey());
    for (const headers of [{}, bearer('not-a-jwt'), bearer(expired), bearer(forged)]) {
      const res = await call('GET', '/users/me', undefined, headers);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('429 with Retry-After after repeated failed logins; the password is not even tried meanwhile', async () => {
    const { email } = await register();
    for (let i = 0; i < 5; i++) expect((await login(email, `Wrong-pass${i}!`)).status).toBe(401);
    const refused = await login(email); // the right password, but the account is paused
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(LOGIN_LIMITS.pair.windowSeconds);
    // Other accounts from the same client are not affected.
    const other = await register();
    expect((await login(other.email)).status).toBe(200);
  });
});

/** POST from another source address (127.0.0.2 is loopback too): a second client, as the API sees it. */
const postFrom = (localAddress: string, route: string, body: unknown) =>
  new Promise<{ status: number; body: any }>((resolve, reject) => {
    const url = new URL(`${api}${route}`);
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });

describe('issue 10: what an attacker tried on accounts', () => {
  it('18 concurrent wrong passwords: at most 5 are checked, the rest are 429', async () => {
    const { email } = await register();
    const answers = await Promise.all(Array.from({ length: 18 }, (_, i) => login(email, `Wrong-pass${i}!`)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(13);
  });

  it('5 wrong passwords from one client do not lock the owner out elsewhere', async () => {
    const { email } = await register();
    for (let i = 0; i < 5; i++) expect((await login(email, `Wrong-pass${i}!`)).status).toBe(401);
    expect((await login(email)).status).toBe(429);
    expect((await postFrom('127.0.0.2', '/users/login', { email, password })).status).toBe(200);
  });

  it('token responses are not cacheable (login, refresh; the MFA answer in the MFA test)', async () => {
    const { email } = await register();
    const session = await login(email);
    const refreshed = await call('POST', '/users/token/refresh', { refreshToken: session.body.refreshToken });
    for (const res of [session, refreshed]) {
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('pragma')).toBe('no-cache');
    }
  });

  it('an ID token sent as X-Access-Token is 401 naming the right token (it was a 500)', async () => {
    const { email } = await register();
    const { token } = (await login(email)).body;
    for (const route of ['/users/me/mfa/setup', '/users/me/mfa/verify']) {
      const res = await call('POST', route, route.endsWith('verify') ? { code: '123456' } : undefined, {
        ...bearer(token),
        'x-access-token': token,
      });
      expect(res.status).toBe(401);
      expect(res.body.error.message).toContain('accessToken');
    }
  });

  it('an unverified email may sign in but not book, pay or review (403 EMAIL_NOT_VERIFIED); the emailed code verifies it', async () => {
    const { email, userId } = await register();
    const session = (await login(email)).body;
    const me = await call('GET', '/users/me', undefined, bearer(session.token));
    expect(me.body).toMatchObject({ userId, emailVerified: false });
    for (const route of ['/reservations', '/payments', '/feedback']) {
      const res = await call('POST', route, {}, bearer(session.token));
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('EMAIL_NOT_VERIFIED');
      expect(res.body.error.message).toMatch(/verify your email/i);
    }
    expect((await call('POST', '/users/me/email/verify', { code: '12345' }, bearer(session.token))).status).toBe(400);
    // A new code at once is too soon after the one registration sent.
    const early = await call('POST', '/users/me/email/verification', undefined, bearer(session.token));
    expect(early.status).toBe(429);
    expect(Number(early.headers.get('retry-after'))).toBeGreaterThan(0);

    const verified = await call('POST', '/users/me/email/verify', { code: await emailedCode(email) }, bearer(session.token));
    expect(verified.status).toBe(200);
    const refreshed = (await call('POST', '/users/token/refresh', { refreshToken: session.refreshToken })).body;
    expect((await call('GET', '/users/me', undefined, bearer(refreshed.token))).body.emailVerified).toBe(true);
    // Past the verification check: now the body is what is wrong.
    for (const route of ['/reservations', '/feedback']) expect((await call('POST', route, {}, bearer(refreshed.token))).status).toBe(400);
    expect((await call('POST', '/users/me/email/verification', undefined, bearer(refreshed.token))).status).toBe(409);
  });

  it('a registration retried with the same body answers the same account; another body is 409', async () => {
    const email = newEmail();
    const body = { name: 'Ada Lovelace', email, password, phoneNumber: '+14155550123', address: '12 Analytical Row' };
    const [first, second] = await Promise.all([call('POST', '/users/register', body), call('POST', '/users/register', body)]);
    // Concurrent: one completes, the other is told to retry (503 + Retry-After) or already sees the account.
    const done = [first, second].find((r) => r.status === 201)!;
    expect(done).toBeDefined();
    for (const r of [first, second])
      if (r.status !== 201) expect([r.status, Number(r.headers.get('retry-after')) > 0]).toEqual([503, true]);
    const retry = await call('POST', '/users/register', body);
    expect(retry.status).toBe(201);
    expect(retry.body.userId).toBe(done.body.userId);
    expect((await call('POST', '/users/register', { ...body, password: 'An0ther-secret!' })).status).toBe(409);
    expect((await mailboxFor(email)).length).toBe(1); // one verification code, not one per retry
  });

  it('registration retries with wrong passwords count as failed sign-ins: 409 as for a taken email, then 429 (no password oracle)', async () => {
    const email = newEmail();
    const body = { name: 'Ada Lovelace', email, password, phoneNumber: '+14155550123', address: '12 Analytical Row' };
    const created = await call('POST', '/users/register', body);
    expect(created.status).toBe(201);
    const someoneElse = await register();
    const taken = await call('POST', '/users/register', { ...body, email: someoneElse.email, password: 'Wr0ng-guess!' });
    const guesses = [];
    for (let i = 0; i < LOGIN_LIMITS.pair.maxAttempts + 1; i++)
      guesses.push(await call('POST', '/users/register', { ...body, password: `Wr0ng-guess-${i}!` }));
    // A wrong password reads exactly as an email someone else registered, until the sign-in limit stops the guessing.
    for (const guess of guesses.slice(0, LOGIN_LIMITS.pair.maxAttempts))
      expect([guess.status, JSON.stringify(guess.body)]).toEqual([409, JSON.stringify(taken.body)]);
    const refused = guesses[LOGIN_LIMITS.pair.maxAttempts];
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(LOGIN_LIMITS.pair.windowSeconds);
    // The right password from this address waits too, as sign-in does; from another address the retry answers the account.
    expect(JSON.stringify((await call('POST', '/users/register', body)).body)).toBe(JSON.stringify(refused.body));
    expect((await login(email)).status).toBe(429);
    const elsewhere = await postFrom('127.0.0.2', '/users/register', body);
    expect([elsewhere.status, elsewhere.body.userId]).toEqual([201, created.body.userId]);
    expect((await postFrom('127.0.0.2', '/users/login', { email, password })).status).toBe(200);
  });
});
