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
  lazyConnect: false,
};

export type RedisFactory = () => Promise<Redis>;

const fromEnvironment: RedisFactory = async () => {
  const url = env.optional(ENV.redisUrl);
  if (url) return new Redis(url, FAIL_FAST);
  // In AWS: ElastiCache with in-transit encryption and an AUTH token held in Secrets Manager.
  const secretArn = env.optional(ENV.redisAuthSecretArn);
  return new Redis({
    ...FAIL_FAST,
    host: env.required(ENV.redisHost),
    port: env.int(ENV.redisPort, 6379),
    password: secretArn ? await secretString(secretArn) : undefined,
    tls: {},
  });
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

/** Lets the local runtime supply an in-process Redis (ioredis-mock) without bundling it into Lambda. */
export const useRedisFactory = (next: RedisFactory): void => {
  factory = next;
  client = undefined;
};
