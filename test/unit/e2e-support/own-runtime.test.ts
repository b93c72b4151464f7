import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { advanceClock } from '../../support/booking-client';
import { switchToOwnRuntime } from '../../support/runtime-process';

/**
 * Regression: test/e2e/feedback.test.ts starts a runtime of its own because it moves the clock by days.
 * When that start failed, its nested beforeAll still ran and moved the clock of the shared runtime, which
 * every other e2e file uses. A failed start must leave the file with no runtime at all.
 */
let shared: Server;
const requests: string[] = [];
const saved = process.env.E2E_API_URL;

beforeAll(async () => {
  // Stands in for the shared runtime: records every call it gets.
  shared = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ now: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => shared.listen(0, '127.0.0.1', resolve));
  process.env.E2E_API_URL = `http://127.0.0.1:${(shared.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  if (saved === undefined) delete process.env.E2E_API_URL;
  else process.env.E2E_API_URL = saved;
  await new Promise((resolve) => shared.close(resolve));
});

it('a failed start of its own runtime leaves a file unable to move the shared clock', async () => {
  const failing = () => Promise.reject(new Error('local runtime exited (1) before it was ready'));
  await expect(switchToOwnRuntime({}, failing)).rejects.toThrow('before it was ready');
  // What the nested beforeAll of the file does next.
  await expect(advanceClock(6 * 86_400)).rejects.toThrow('E2E_API_URL is not set');
  expect(requests).toEqual([]);
});

it('a successful start points the client at the new runtime', async () => {
  const own = await switchToOwnRuntime({ PER_IP_LIMITS: 'false' }, async () => ({
    url: 'http://127.0.0.1:9/v1',
    child: undefined as never,
  }));
  expect(own.url).toBe('http://127.0.0.1:9/v1');
  expect(process.env.E2E_API_URL).toBe('http://127.0.0.1:9/v1');
});
