import { RedisCarLocks } from './bookings/redis-car-locks';
import { RedisFleetCache } from './fleet/cache';
import { redisClient } from './redis';

/** The pieces that live in Redis (ioredis is loaded only by functions whose capability uses Redis). */
let cache: RedisFleetCache | undefined;
export const fleetCache = (): RedisFleetCache => (cache ??= new RedisFleetCache(redisClient));

let locks: RedisCarLocks | undefined;
export const carLocks = (): RedisCarLocks => (locks ??= new RedisCarLocks(redisClient));
