/**
 * Redis: the real one when REDIS_URL is set; otherwise the Lambda-side Redis adapter is told to use
 * its in-process ioredis-mock (the adapter owns that switch, so nothing is started here). ioredis-mock
 * keeps data per process: the local API and worker share it only because they run in one process.
 */
export type RedisStandIn = { url: string } | { mock: true };

export function resolveRedis(): RedisStandIn {
  const url = process.env.REDIS_URL;
  return url ? { url } : { mock: true };
}
