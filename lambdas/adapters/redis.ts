import type Redis from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { env } from '../shared/config';
import { ENV } from '../shared/env-names';
import { inSubsegment } from '../shared/observability';
import { onFirstUse } from '../shared/on-first-use';
import { secretString } from './secrets';
import { asConnectionFailure, ConnectionFailure, redisReplyCode } from './unavailable';

/**
 * SET as the functions call it, one overload per form (ioredis' many overloads include these); resolves
 * to null when NX refused.
 */
interface SetCommand<R> {
  (key: string, value: string | number): R;
  (key: string, value: string | number, ex: 'EX', seconds: number): R;
  (key: string, value: string | number, px: 'PX', milliseconds: number): R;
  (key: string, value: string | number, ex: 'EX', seconds: number, nx: 'NX'): R;
  (key: string, value: string | number, px: 'PX', milliseconds: number, nx: 'NX'): R;
}

/**
 * The Redis commands the functions use (locks, caches, sign-in counters, the health ping). The adapters
 * depend on this, not on a client library: ioredis in Lambda, ioredis-mock in the local runtime and tests.
 */
export interface RedisCommands {
  get(key: string): Promise<string | null>;
  mget(...keys: string[]): Promise<Array<string | null>>;
  set: SetCommand<Promise<'OK' | null>>;
  incr(key: string): Promise<number>;
  del(...keys: string[]): Promise<number>;
  ttl(key: string): Promise<number>;
  eval(script: string, numKeys: number, ...keysAndArgs: Array<string | number>): Promise<unknown>;
  ping(): Promise<string>;
  /** MULTI … EXEC: the queued commands run together; exec resolves to [error, reply] per command. */
  multi(): RedisTransaction;
  quit(): Promise<unknown>;
  disconnect(): void;
}

export interface RedisTransaction {
  set: SetCommand<RedisTransaction>;
  incr(key: string): RedisTransaction;
  exec(): Promise<Array<[Error | null, unknown]> | null>;
}

/** Replies after which the connection is dropped and the command sent again on a new one (see LAMBDA_OPTIONS). */
const RECONNECT_ON = new Set(['READONLY', 'LOADING', 'MASTERDOWN']);

/**
 * ioredis as a Lambda function needs it. Redis is an accelerator (locks that cut contention, caches),
 * never the source of truth, so a call fails fast when Redis cannot answer (callers fall back to DynamoDB)
 * rather than queueing while the client reconnects: no offline queue, one retry per request, 2 s to
 * connect, 1 s per command.
 *
 * A Multi-AZ failover moves the primary endpoint's DNS name to the promoted replica and demotes the old
 * primary: its writes then answer READONLY (or LOADING while it resyncs), so the connection is dropped
 * and a new one (a fresh DNS lookup) reaches the new primary. A node that vanished without closing the
 * connection answers nothing: after `socketTimeout` without data the socket is destroyed and reopened,
 * and TCP keepalive finds such a connection while it is idle, instead of the next request waiting on it.
 */
export const LAMBDA_OPTIONS: RedisOptions = {
  connectTimeout: 2_000,
  commandTimeout: 1_000,
  socketTimeout: 1_000,
  keepAlive: 10_000,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  // Reconnect at once after a drop, back off briefly, give up after 3 attempts: the client then ends and
  // the next request makes a new one (no reconnect loop in an instance that waits for requests).
  retryStrategy: (attempt) => (attempt > 3 ? null : 50 * attempt),
  reconnectOnError: (err) => (RECONNECT_ON.has(redisReplyCode(err) ?? '') ? 2 : false),
  // Connected explicitly (see `connected`): without an offline queue a command sent before the
  // connection is ready would be refused, so the client is handed out only once it is.
  lazyConnect: true,
};

export type RedisFactory = () => Promise<RedisCommands>;

/** The failures of the client's own (timeouts, a connection that closed) as ConnectionFailure; Redis' replies as they are. */
const rethrow = (err: unknown): never => {
  throw asConnectionFailure('Redis', err);
};

/**
 * The port over a client: each command a Redis subsegment of the trace (a transaction one, named MULTI),
 * and the client's own failures typed for `isUnavailable`.
 */
export const redisCommands = (client: RedisCommands): RedisCommands => {
  const call = <T>(command: string, send: () => Promise<T>): Promise<T> => inSubsegment('Redis', { command }, () => send().catch(rethrow));
  const set = (...args: Parameters<RedisCommands['set']>) =>
    call('SET', () => (client.set as (...a: unknown[]) => Promise<'OK' | null>)(...args));
  return {
    get: (key) => call('GET', () => client.get(key)),
    mget: (...keys) => call('MGET', () => client.mget(...keys)),
    set: set as RedisCommands['set'],
    incr: (key) => call('INCR', () => client.incr(key)),
    del: (...keys) => call('DEL', () => client.del(...keys)),
    ttl: (key) => call('TTL', () => client.ttl(key)),
    eval: (script, numKeys, ...keysAndArgs) => call('EVAL', () => client.eval(script, numKeys, ...keysAndArgs)),
    ping: () => call('PING', () => client.ping()),
    multi: () => {
      const transaction = client.multi();
      const exec = transaction.exec.bind(transaction);
      transaction.exec = () => call('MULTI', exec);
      return transaction;
    },
    quit: () => client.quit(),
    disconnect: () => client.disconnect(),
  };
};

/** Resolves once the client can take commands; a client that cannot connect is closed, not leaked. */
const connected = async (redis: Redis): Promise<Redis> => {
  // Connection errors surface as rejected commands (callers fall back); no unhandled 'error' events.
  redis.on('error', () => undefined);
  // Once ioredis gives up reconnecting, the next call makes a new client.
  redis.once('end', () => {
    if (current !== redis) return;
    current = undefined;
    void shared.forget();
  });
  try {
    await redis.connect();
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new ConnectionFailure('Redis', err);
  }
};

const fromEnvironment: RedisFactory = async () => {
  // ioredis is loaded by the first Redis call, not at init: in Lambda it is a file beside the bundle (lib/bundling/sidecars.ts).
  const { default: IORedis } = await import('./redis-driver');
  const options: RedisOptions = { ...LAMBDA_OPTIONS, keyPrefix: env.optional(ENV.redisKeyPrefix) };
  const url = env.optional(ENV.redisUrl);
  if (url) return connected((current = new IORedis(url, options)));
  // In AWS: ElastiCache with in-transit encryption and an AUTH token held in Secrets Manager.
  const secretArn = env.optional(ENV.redisAuthSecretArn);
  const password = secretArn ? await secretString(secretArn) : undefined;
  const host = env.required(ENV.redisHost);
  return connected((current = new IORedis({ ...options, host, port: env.int(ENV.redisPort, 6379), password, tls: { servername: host } })));
};

let factory: RedisFactory = fromEnvironment;
/** The ioredis client `shared` holds, when the environment's: its end drops `shared`. */
let current: Redis | undefined;
const shared = onFirstUse(() => factory().then(redisCommands));

/** The shared client of this function instance (made again after a failed connection or its end). */
export const redisClient = (): Promise<RedisCommands> => shared();

/**
 * Lets the local runtime supply an in-process Redis (ioredis-mock) without bundling it into Lambda;
 * without an argument, back to the environment's Redis.
 */
export const useRedisFactory = (next: RedisFactory = fromEnvironment): void => {
  factory = next;
  current = undefined;
  void shared.forget();
};
