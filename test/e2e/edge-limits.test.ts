import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { IP_LIMIT_MESSAGE, IP_RATE_LIMITS } from '../../lambdas/api/routes';
import { startRuntimeProcess, stopRuntimeProcess } from '../support/runtime-process';

/**
 * Issue 10: flooding POST /users/login from one address made everyone's sign-in 429, since the route's
 * limit is shared. On a runtime of its own with the per-IP limits on (the shared one turns them off),
 * clients on different loopback addresses stand for different IPs.
 */
let runtime: ChildProcess | undefined;
let base: URL;

interface Answer {
  status: number;
  retryAfter?: string;
  body: any;
}

/** POST JSON from a chosen local address (127.0.0.0/8 all reach the server on 127.0.0.1). */
const postFrom = (localAddress: string, path: string, body: unknown): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port: base.port,
        path: `${base.pathname}${path}`,
        method: 'POST',
        localAddress,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'], body: text ? JSON.parse(text) : undefined }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });

beforeAll(async () => {
  const own = await startRuntimeProcess({ PER_IP_LIMITS: 'true' });
  runtime = own.child;
  base = new URL(own.url);
}, 120_000);

afterAll(() => stopRuntimeProcess(runtime));

test('a client flooding sign-in is limited by its address; another address still signs in', async () => {
  const email = `edge-${randomUUID()}@example.com`;
  const password = `Pw-${randomUUID()}-x1A!`;
  const registered = await postFrom('127.0.0.3', '/users/register', {
    name: 'Edge',
    email,
    password,
    phoneNumber: '+14155550123',
    address: '1 Test St',
  });
  expect(registered.status).toBe(201);

  // The attacker: 10 connections at a time, wrong passwords, until the victim has signed in. Addresses of this
  // file's own (e2e files run side by side, and accounts.test.ts signs in from 127.0.0.2 as its second client).
  const answers: Answer[] = [];
  let flooding = true;
  const attacker = async () => {
    while (flooding)
      answers.push(await postFrom('127.0.0.4', '/users/login', { email: `nobody-${randomUUID()}@example.com`, password: 'Wrong-pass-1!' }));
  };
  const flood = Promise.all(Array.from({ length: 10 }, attacker));
  while (answers.length < 50) await new Promise((resolve) => setTimeout(resolve, 20));

  const victim = await postFrom('127.0.0.5', '/users/login', { email, password });
  flooding = false;
  await flood;

  expect(victim.status).toBe(200);
  expect(victim.body.token).toEqual(expect.any(String));
  const signIn = IP_RATE_LIMITS.find((l) => l.name === 'per-ip-sign-in')!;
  const limited = answers.filter((a) => a.status === 429);
  expect(answers.length - limited.length).toBeLessThanOrEqual(signIn.limit);
  expect(limited[0].body).toEqual({ error: { code: 'THROTTLED', message: IP_LIMIT_MESSAGE } });
  expect(Number(limited[0].retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(limited[0].retryAfter)).toBeLessThanOrEqual(signIn.windowSeconds);
}, 60_000);
