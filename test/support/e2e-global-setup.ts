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
  // The journeys book many cars on the same days for one customer (payments pays one per method); the
  // per-customer day limit is raised for them. The live-holds limit stays the default (3), which
  // test/e2e/bookings.test.ts checks under parallel requests.
  const runtime = await startRuntimeProcess({ [ENV.maxOverlappingBookings]: '50' });
  globalThis.__LOCAL_RUNTIME__ = runtime.child;
  process.env.E2E_API_URL = runtime.url;
}
