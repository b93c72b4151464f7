import type { ChildProcess } from 'node:child_process';
import { ENV } from '../../lambdas/shared/env-names';
import { startRuntimeProcess } from './runtime-process';

/**
 * End-to-end tests run against the real `npm start` entry point in a child process, as a user would,
 * started once for every e2e file. Its URL reaches the test files through E2E_API_URL.
 */
declare global {
  var __LOCAL_RUNTIME__: ChildProcess | undefined;
}

export default async function setup(): Promise<void> {
  if (process.env.E2E_API_URL) return; // pointed at a runtime that is already up
  // The shared runtime's journeys and races book many cars for few customers (payments pays one car per
  // method on the same days; the races send 300 requests from 6 customers): the per-customer limits are
  // raised for them. test/e2e/booking-limits.test.ts checks the defaults on a runtime of its own.
  const runtime = await startRuntimeProcess({ [ENV.maxLiveHolds]: '1000', [ENV.maxOverlappingBookings]: '1000' });
  globalThis.__LOCAL_RUNTIME__ = runtime.child;
  process.env.E2E_API_URL = runtime.url;
}
