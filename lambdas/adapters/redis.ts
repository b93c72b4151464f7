import Redis, { type RedisOptions } from 'ioredis';
import { env } from '../shared/config';
import { ENV } from '../shared/env-names';
import { secretString } from './secrets';

/**
 * Redis is an accelerator (locks that cut contention, caches), never the source of truth, so commands
 * fail fast when it is down instead of queueing: callers fall back to DynamoDB.
 */
const FAIL_FAST: RedisOptions = {
  connectTimeout: 2_000,
  commandTimeout: 1_000,
  maxRetriesPerRequest: 1,
  enableOfflineQueue: false,
  // Connect explicitly (see `connected`): without an offline queue, a command sent before the
  // connection is up would be refused, so the client is handed out only once it is ready.
  lazyConnect: true,
};

/** Resolves once the client can take commands; a client that cannot connect is closed, not leaked. */
const connected = async (redis: Redis): Promise<Redis> => {
  // Connection errors surface as rejected commands (callers fall back); no unhandled 'error' events.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return redis;
  } catch (err) {
    redis.disconnect();
    throw err;
  }
};

export type RedisFactory = () => Promise<Redis>;

const fromEnvironment: RedisFactory = async () => {
  const options: RedisOptions = { ...FAIL_FAST, keyPrefix: env.optional(ENV.redisKeyPrefix) };
  const url = env.optional(ENV.redisUrl);
  if (url) return connected(new Redis(url, options));
  // In AWS: ElastiCache with in-transit encryption and an AUTH token held in Secrets Manager.
  const secretArn = env.optional(ENV.redisAuthSecretArn);
  return connected(
    new Redis({
      ...options,
      host: env.required(ENV.redisHost),
      port: env.int(ENV.redisPort, 6379),
      password: secretArn ? await secretString(secretArn) : undefined,
      tls: {},
    }),
  );
};

let factory: RedisFactory = fromEnvironment;
let client: Promise<Redis> | undefined;

/** The shared client of this function instance. */
export const redisClient = (): Promise<Redis> => {
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
