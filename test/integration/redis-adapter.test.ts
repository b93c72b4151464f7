import Redis from 'ioredis';
import { redisClient, useRedisFactory } from '../../lambdas/adapters/redis';

/**
 * The Lambda-side Redis adapter against the real server when REDIS_URL is set (CI), and against a port
 * where nothing listens: it must be usable on its very first command, and fail fast (not hang, not leak)
 * when Redis is down, so callers can fall back to DynamoDB.
 */
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

const describeReal = process.env.REDIS_URL ? describe : describe.skip;

describeReal('redis adapter against real Redis', () => {
  it('answers the first command of a cold client, with the configured key prefix', async () => {
    process.env.REDIS_KEY_PREFIX = 'car-rental:adapter-test:';
    useRedisFactory();
    const redis = await redisClient();
    const raw = new Redis(process.env.REDIS_URL!);
    try {
      expect(await redis.ping()).toBe('PONG');
      await redis.set('k', 'v', 'EX', 5);
      expect(await raw.get('car-rental:adapter-test:k')).toBe('v');
    } finally {
      redis.disconnect();
      raw.disconnect();
      useRedisFactory();
    }
  });
});

describe('redis adapter with Redis down', () => {
  it('rejects quickly, then tries again on the next call', async () => {
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
    useRedisFactory();
    const started = Date.now();
    await expect(redisClient()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect(redisClient()).rejects.toThrow(); // not a cached failure: a new attempt
    useRedisFactory();
  });
});
