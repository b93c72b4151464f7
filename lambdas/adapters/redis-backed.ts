import { RedisCarLocks } from './bookings/redis-car-locks';
import { RedisFleetCache, type SearchCacheScheme } from './fleet/cache';
import { redisClient } from './redis';

/** The pieces that live in Redis (ioredis is loaded only by functions whose capability uses Redis). */
let cache: RedisFleetCache | undefined;
export const fleetCache = (): RedisFleetCache => (cache ??= new RedisFleetCache(redisClient));
/** bench:mixed measures the invalidation schemes side by side (handlers hold the instance from their init); everything else uses the default. */
export const useSearchCacheScheme = (scheme: SearchCacheScheme): void => {
  fleetCache().scheme = scheme;
};

let locks: RedisCarLocks | undefined;
export const carLocks = (): RedisCarLocks => (locks ??= new RedisCarLocks(redisClient));
