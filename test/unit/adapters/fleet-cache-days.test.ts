import RedisMock from 'ioredis-mock';
import { RedisFleetCache } from '../../../lambdas/adapters/fleet/cache';
import type { RedisCommands } from '../../../lambdas/adapters/redis';
import { dayInterval } from '../../../lambdas/domain/fleet/interval';

/** The search cache's invalidation schemes: per day (a booking leaves other days' pages) and per location. */
describe.each(['day', 'location'] as const)('fleet cache, scheme %s', (scheme) => {
  const redis = new RedisMock() as unknown as RedisCommands;
  const cache = new RedisFleetCache(async () => redis, scheme);
  const page = { cars: [], nextCursor: undefined };
  const march = dayInterval({ startDate: '2027-03-01', endDate: '2027-03-04' });
  const april = dayInterval({ startDate: '2027-04-10', endDate: '2027-04-12' });

  const cached = async (window: typeof march, key: string) => (await cache.lookupSearch('LAX', key, window)).page !== undefined;
  const store = async (window: typeof march, key: string) => {
    const { generation } = await cache.lookupSearch('LAX', key, window);
    await cache.storeSearch('LAX', key, generation, page);
  };

  beforeEach(async () => {
    await (redis as unknown as { flushall(): Promise<unknown> }).flushall();
    await store(march, 'm');
    await store(april, 'a');
  });

  it('drops the pages a change of some days overlaps; the others stay only per day', async () => {
    await cache.invalidateLocation('LAX', dayInterval({ startDate: '2027-03-03', endDate: '2027-03-05' }));
    expect(await cached(march, 'm')).toBe(false);
    expect(await cached(april, 'a')).toBe(scheme === 'day');
  });

  it('drops every page of the location on a change without days', async () => {
    await cache.invalidateLocation('LAX');
    expect(await cached(march, 'm')).toBe(false);
    expect(await cached(april, 'a')).toBe(false);
  });

  it('keeps a page computed before a change from being served after it', async () => {
    const { generation } = await cache.lookupSearch('LAX', 'race', march);
    await cache.invalidateLocation('LAX', march);
    await cache.storeSearch('LAX', 'race', generation, page);
    expect(await cached(march, 'race')).toBe(false);
  });
});
