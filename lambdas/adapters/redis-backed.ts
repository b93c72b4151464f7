import { RedisCarLocks } from './bookings/redis-car-locks';
import { carRepository } from './fleet';
import { RedisFleetCache, type SearchCacheScheme } from './fleet/cache';
import { redisClient } from './redis';

/** The pieces that live in Redis (ioredis is loaded only by functions whose capability uses Redis). */
let cache: RedisFleetCache | undefined;
/** Its writers refill a car's calendar after changing it (a strong read of the car), so searches find it cached. */
export const fleetCache = (): RedisFleetCache =>
  (cache ??= new RedisFleetCache(redisClient, 'calendar', (carIds) => carRepository().calendars(carIds)));
/** bench:mixed measures the invalidation schemes side by side (handlers hold the instance from their init); everything else uses the default. */
export const useSearchCacheScheme = (scheme: SearchCacheScheme): void => {
  fleetCache().scheme = scheme;
};

let locks: RedisCarLocks | undefined;
export const carLocks = (): RedisCarLocks => (locks ??= new RedisCarLocks(redisClient));
