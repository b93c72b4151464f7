import { dependencyUnavailable } from '../shared/errors';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EPIPE',
]);
/** Also the timeouts of ioredis ("Command timed out", "Connection is closed" when it never became ready) and pg (pool, connection, query_timeout). */
const NETWORK_MESSAGE = new RegExp(
  `\\b(${[...NETWORK_CODES].join('|')})\\b|socket hang up|timed out|Connection is closed|timeout exceeded when trying to connect|Connection terminated due to connection timeout|Query read timeout`,
);
const UNAVAILABLE_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TooManyRequestsException',
  'ThrottlingException',
  'InternalErrorException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
]);

/**
 * True when a call (AWS SDK, Redis, PostgreSQL) failed because the service could not be reached or
 * did not answer in time (network, timeout, throttling, 5xx), as opposed to refusing the request: the former is a 503 with
 * Retry-After, the latter the caller's problem.
 */
export const isUnavailable = (err: unknown): boolean => {
  const e = err as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; errors?: unknown[] } | null;
  if (!e || typeof e !== 'object') return false;
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  if (UNAVAILABLE_NAMES.has(e.name ?? '') || NETWORK_CODES.has(e.code ?? '')) return true;
  // The SDK's retry layer sometimes re-wraps a socket error as a plain Error with only its text.
  if (NETWORK_MESSAGE.test(e.message ?? '')) return true;
  // Node reports a refused connection to every resolved address as an AggregateError.
  return Array.isArray(e.errors) && e.errors.some(isUnavailable);
};

/** Runs an SDK call, turning "service unreachable" into the domain's 503 and leaving other errors alone. */
export const orUnavailable = async <T>(dependency: string, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (err) {
    if (isUnavailable(err)) throw dependencyUnavailable(dependency);
    throw err;
  }
};
