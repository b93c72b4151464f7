import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import RedisMock from 'ioredis-mock';

/**
 * The Redis an integration test talks to: the real server when REDIS_URL is set (CI sets it), otherwise
 * an in-process ioredis-mock. Each gets a key prefix of its own so tests never see each other's keys:
 * ioredis-mock instances share one data set per host and port, like connections to one server.
 */
export const testRedis = (): Redis => {
  const url = process.env.REDIS_URL;
  // ioredis-mock instances share their data within a process: a prefix of its own for each, as for the real one.
  const keyPrefix = `car-rental:test:${randomUUID().slice(0, 8)}:`;
  if (!url) return new RedisMock({ keyPrefix });
  return new Redis(url, { keyPrefix, maxRetriesPerRequest: 1 });
};

export const usesRealRedis = (): boolean => Boolean(process.env.REDIS_URL);
