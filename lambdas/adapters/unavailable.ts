import { dependencyUnavailable } from '../shared/errors';

/** Node's socket and DNS failures (`code` of a system error), whichever client met them. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
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
  // ioredis gave up on a command after its reconnection attempts.
  'MaxRetriesPerRequestError',
]);

/**
 * Redis error replies that say "this node cannot take the command now", not "this command is wrong": a
 * replica after a failover (READONLY), a node loading its data (LOADING), a replica cut off from its
 * primary (MASTERDOWN), a busy script (BUSY), a cluster resharding (TRYAGAIN, CLUSTERDOWN).
 */
export const REDIS_UNAVAILABLE_REPLIES = new Set(['READONLY', 'LOADING', 'MASTERDOWN', 'BUSY', 'TRYAGAIN', 'CLUSTERDOWN']);

/**
 * The error code of a Redis error reply (ioredis' ReplyError): by the protocol, its first word
 * (`READONLY You can't write against a read only replica.`); undefined for any other error.
 */
export const redisReplyCode = (err: unknown): string | undefined => {
  const e = err as { name?: unknown; message?: unknown } | null;
  if (e?.name !== 'ReplyError' || typeof e.message !== 'string') return undefined;
  return /^[A-Z]+/.exec(e.message)?.[0];
};

/**
 * PostgreSQL SQLSTATEs (pg's DatabaseError `code`) that mean the server or the proxy cannot serve us now:
 * class 08 (connection exception) but 08P01 (a protocol violation: our bug), shutdown and recovery (57P01-
 * 57P03), a statement cancelled by its timeout (57014), insufficient resources (class 53: too many
 * connections, out of memory or disk), and refused credentials (28000, 28P01: the password rotated and
 * re-reading the secret did not help yet).
 */
const POSTGRES_UNAVAILABLE = /^(08(?!P01)...|57P0[123]|57014|53...|28000|28P01)$/;

/**
 * A Redis or PostgreSQL driver's own failure to get an answer (a command or connect timeout, a dropped or
 * unwritable connection): the drivers report these as plain Errors with only a message, so the adapters
 * (redis.ts, postgres.ts) give them this type, and nothing here reads message text.
 */
export class ConnectionFailure extends Error {
  override name = 'ConnectionFailure';
  constructor(
    readonly dependency: 'Redis' | 'PostgreSQL',
    cause: unknown,
  ) {
    super(`${dependency}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * A driver's error as the adapters rethrow it: a plain Error (no subclass, no `code`) is the driver's own
 * connection or timeout failure (pg: "Query read timeout", "Connection terminated unexpectedly"; ioredis:
 * "Command timed out", "Connection is closed."); the server's refusals (ioredis' ReplyError, pg's
 * DatabaseError with its SQLSTATE), system errors with a `code` and our own bugs (TypeError...) stay as they are.
 */
export const asConnectionFailure = (dependency: ConnectionFailure['dependency'], err: unknown): unknown =>
  err instanceof Error && err.constructor === Error && (err as { code?: unknown }).code === undefined
    ? new ConnectionFailure(dependency, err)
    : err;

const SDK_WRAPPER = /^AWS SDK error wrapper for \w*Error: \w+ (E[A-Z_]+)\b/;

/**
 * The AWS SDK's retry layer turns a thrown value that is not an Error of its realm (a socket error seen
 * from jest's sandbox) into `AWS SDK error wrapper for <its text>`, with nothing else kept: the system
 * error's code is read back from that text, the one place a message is read, and only for the SDK.
 */
const sdkWrappedCode = (e: { message?: unknown }): string | undefined => {
  const code = typeof e.message === 'string' ? SDK_WRAPPER.exec(e.message)?.[1] : undefined;
  return code && NETWORK_CODES.has(code) ? code : undefined;
};

/**
 * True when a call (AWS SDK, Redis, PostgreSQL) failed because the service could not be reached or
 * did not answer in time (network, timeout, throttling, 5xx, a demoted or overloaded node), as opposed to
 * refusing the request: the former is a 503 with Retry-After, the latter the caller's problem. Decided by
 * type, name and code only, never by message text.
 */
export const isUnavailable = (err: unknown): boolean => {
  const e = err as { name?: string; code?: unknown; $metadata?: { httpStatusCode?: number }; errors?: unknown[] } | null;
  if (!e || typeof e !== 'object') return false;
  if (e instanceof ConnectionFailure) return true;
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  if (UNAVAILABLE_NAMES.has(e.name ?? '')) return true;
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || POSTGRES_UNAVAILABLE.test(e.code))) return true;
  if (REDIS_UNAVAILABLE_REPLIES.has(redisReplyCode(err) ?? '')) return true;
  if (sdkWrappedCode(err as { message?: unknown }) !== undefined) return true;
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
