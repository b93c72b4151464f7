import { randomUUID } from 'node:crypto';
import type { RedisCommands } from '../redis';
import type { CarLocks } from '../../domain/bookings/ports';

/** Deletes the key only if it still holds our token: a lock that expired and was taken by another is left alone. */
const RELEASE_IF_OURS = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * The seed's Redis lock, done safely: `SET car_lock:<carId> <token> NX PX <ttl>` in one atomic command
 * (SETNX then EXPIRE could leave a lock without expiry), released by compare-and-delete in Lua.
 */
export class RedisCarLocks implements CarLocks {
  constructor(private readonly redis: () => Promise<RedisCommands>) {}

  async acquire(carId: string, ttlMs: number, waitMs: number) {
    const key = `car_lock:${carId}`;
    const token = randomUUID();
    let redis: RedisCommands;
    try {
      redis = await this.redis();
      const deadline = Date.now() + waitMs;
      for (let pause = 10; ; pause = Math.min(100, pause * 2)) {
        if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK') break;
        if (Date.now() + pause > deadline) return 'busy' as const;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    } catch {
      return 'unavailable' as const;
    }
    return {
      release: async () => {
        // A release that fails only lets the lock run to its TTL.
        await redis.eval(RELEASE_IF_OURS, 1, key, token).catch(() => undefined);
      },
    };
  }
}
