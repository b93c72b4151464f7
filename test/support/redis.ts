import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import RedisMock from 'ioredis-mock';

/**
 * The Redis an integration test talks to: the real server when REDIS_URL is set (CI sets it), with a
 * key prefix of its own so runs never see each other's keys; otherwise an in-process ioredis-mock.
 */
export const testRedis = (): Redis => {
  const url = process.env.REDIS_URL;
  if (!url) return new RedisMock();
  return new Redis(url, { keyPrefix: `car-rental:test:${randomUUID().slice(0, 8)}:`, maxRetriesPerRequest: 1 });
};

export const usesRealRedis = (): boolean => Boolean(process.env.REDIS_URL);
