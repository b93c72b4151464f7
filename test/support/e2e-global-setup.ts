import type { ChildProcess } from 'node:child_process';
import { ENV } from '../../lambdas/shared/env-names';
import { startRuntimeProcess, stopRuntimeProcess } from './runtime-process';
import { signInSeededAdmin } from './tokens';

/**
 * End-to-end tests run against the real `npm start` entry point in a child process, as a user would,
 * started once for every e2e file of the jest run. Its URL reaches the test files through E2E_API_URL
 * (the address the client calls; a file may point it at a runtime of its own) and E2E_SHARED_API_URL
 * (this one's), the seeded admin's ID token through E2E_ADMIN_TOKEN.
 */
declare global {
  var __LOCAL_RUNTIME__: ChildProcess | undefined;
}

export default async function setup(): Promise<void> {
  // Both e2e projects in one jest run (a list of files from each): the first project's setup did it all.
  if (process.env.E2E_SHARED_API_URL) return;
  if (!process.env.E2E_API_URL) {
    // The shared runtime's journeys and races book many cars for few customers (payments pays one car per
    // method on the same days; the races send 300 requests from 6 customers): the per-customer limits are
    // raised for them. test/e2e/booking-limits.test.ts checks the defaults on a runtime of its own.
    const runtime = await startRuntimeProcess({ [ENV.maxLiveHolds]: '1000', [ENV.maxOverlappingBookings]: '1000' });
    globalThis.__LOCAL_RUNTIME__ = runtime.child;
    process.env.E2E_API_URL = runtime.url;
  } // else pointed at a runtime that is already up
  process.env.E2E_SHARED_API_URL = process.env.E2E_API_URL;
  // Signed in once for the run: a TOTP code signs in once, so files side by side would each wait for a
  // 30-second step of their own (test/e2e/accounts.test.ts and the admin walk-through still sign in).
  try {
    process.env.E2E_ADMIN_TOKEN = await signInSeededAdmin();
  } catch (err) {
    await stopRuntimeProcess(globalThis.__LOCAL_RUNTIME__); // jest runs no teardown after a failed setup
    throw err;
  }
}
