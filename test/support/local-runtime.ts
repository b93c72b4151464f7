import type { ApiVersion } from '../../lambdas/api/route';

/** The base URL (…/v1, or …/v2 for `version: 'v2'`) of the local runtime the e2e global setup started. */
export const apiUrl = (version: ApiVersion = 'v1'): string => {
  const url = process.env.E2E_API_URL;
  if (!url) throw new Error('E2E_API_URL is not set: run e2e tests through jest (global setup starts the runtime)');
  // Every version is a stage beside v1 on the same server.
  return version === 'v1' ? url : url.replace(/\/v1$/, `/${version}`);
};

/**
 * Whether the e2e client is pointed at the runtime the global setup started for every e2e file (not at a
 * runtime of the calling file's own): E2E_SHARED_API_URL is that runtime's address.
 */
export const onSharedRuntime = (): boolean => {
  const shared = process.env.E2E_SHARED_API_URL;
  return shared !== undefined && process.env.E2E_API_URL === shared;
};

/**
 * e2e files run side by side on the shared runtime, except those named *.clock.test.ts, which `npm test`
 * runs after them, one at a time, on a runtime of their own: only they may move the shared runtime's
 * clock (a hold another file is paying would lapse). A file that moves it without the name fails here,
 * whichever order the files happen to run in.
 */
export const CLOCK_FILE = /\.clock\.test\.ts$/;
export const checkMayMoveClock = (testPath: string | undefined, shared = onSharedRuntime()): void => {
  if (shared && !CLOCK_FILE.test(testPath ?? ''))
    throw new Error(
      `${testPath ?? 'this file'} moves the shared runtime's clock: name it *.clock.test.ts (run apart, one at a time) or give it a runtime of its own`,
    );
};

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** fetch + JSON parse, keeping status and headers for assertions. */
export const request = async <T = any>(url: string, init: RequestInit = {}): Promise<JsonResponse<T>> => {
  const res = await fetch(url, init);
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, headers: res.headers, body: (type.includes('json') && text ? JSON.parse(text) : text) as T };
};
