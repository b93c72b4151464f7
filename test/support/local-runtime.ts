import type { ApiVersion } from '../../lambdas/api/route';

/** The base URL (…/v1, or …/v2 for `version: 'v2'`) of the local runtime the e2e global setup started. */
export const apiUrl = (version: ApiVersion = 'v1'): string => {
  const url = process.env.E2E_API_URL;
  if (!url) throw new Error('E2E_API_URL is not set: run e2e tests through jest (global setup starts the runtime)');
  // Every version is a stage beside v1 on the same server.
  return version === 'v1' ? url : url.replace(/\/v1$/, `/${version}`);
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
