import { env } from '../shared/config';
import { ENV } from '../shared/env-names';
import { RespClient, type RedisCommands, type RespClientOptions } from './resp-client';
import { secretString } from './secrets';

/**
 * Redis is an accelerator (locks that cut contention, caches), never the source of truth, so commands
 * fail fast when it is down instead of queueing or reconnecting: callers fall back to DynamoDB.
 */
const FAIL_FAST = { connectTimeoutMs: 2_000, commandTimeoutMs: 1_000 };

export type RedisFactory = () => Promise<RedisCommands>;

/** redis://[user:password@]host[:port][/db], rediss:// for TLS (the local runtime, tests). */
const fromUrl = (url: string): Omit<RespClientOptions, 'connectTimeoutMs' | 'commandTimeoutMs'> => {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    tls: u.protocol === 'rediss:',
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined,
  };
};

const fromEnvironment: RedisFactory = async () => {
  // A dropped connection (idle timeout, failover) is forgotten, so the next call opens a new one.
  const common = { ...FAIL_FAST, keyPrefix: env.optional(ENV.redisKeyPrefix), onClose: () => (client = undefined) };
  const url = env.optional(ENV.redisUrl);
  if (url) return RespClient.connect({ ...common, ...fromUrl(url) });
  // In AWS: ElastiCache with in-transit encryption and an AUTH token held in Secrets Manager.
  const secretArn = env.optional(ENV.redisAuthSecretArn);
  const password = secretArn ? await secretString(secretArn) : undefined;
  return RespClient.connect({ ...common, host: env.required(ENV.redisHost), port: env.int(ENV.redisPort, 6379), password, tls: true });
};

let factory: RedisFactory = fromEnvironment;
let client: Promise<RedisCommands> | undefined;

/** The shared client of this function instance. */
export const redisClient = (): Promise<RedisCommands> => {
  if (!client) {
    client = factory();
    client.catch(() => (client = undefined));
  }
  return client;
};

/**
 * Lets the local runtime supply an in-process Redis (ioredis-mock) without bundling it into Lambda;
 * without an argument, back to the environment's Redis.
 */
export const useRedisFactory = (next: RedisFactory = fromEnvironment): void => {
  factory = next;
  client = undefined;
};
