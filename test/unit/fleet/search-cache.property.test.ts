import fc from 'fast-check';
import RedisMock from 'ioredis-mock';
import { RedisFleetCache } from '../../../lambdas/adapters/fleet/cache';
import type { RedisCommands } from '../../../lambdas/adapters/redis';
import type { Block } from '../../../lambdas/domain/fleet/availability';
import { CAR_TYPES } from '../../../lambdas/domain/fleet/catalog';
import type { Car } from '../../../lambdas/domain/fleet/car';
import type { SortOrder } from '../../../lambdas/domain/fleet/cursor';
import type { CarRepository, SearchPageRequest } from '../../../lambdas/domain/fleet/ports';
import { searchAvailableCars, searchWithCache, type SearchQuery } from '../../../lambdas/domain/fleet/search';
import { searchKeysOf } from '../../../lambdas/domain/fleet/search-keys';
import { carFixture } from '../../support/fixtures/car';

// The cached search (candidates per location and filters, calendars per car) answers exactly what a
// search straight from DynamoDB answers, page after page, cold and warm, by price and by rating.
const NOW = Date.parse('2030-01-01T00:00:00Z');
const DAY = 86_400_000;

/** The `byLocation` index in memory: key-range pages, a continuation only while items remain. */
class IndexedCars implements Pick<CarRepository, 'searchPage' | 'calendars'> {
  constructor(readonly cars: Car[]) {}

  async searchPage(request: SearchPageRequest) {
    const keyed = this.cars
      .map((car) => ({ car, ...searchKeysOf(car) }))
      .filter((c) => c.gsi1pk === request.partition && c.gsi1sk >= request.from && c.gsi1sk <= request.to)
      .sort((a, b) => (a.gsi1sk < b.gsi1sk ? -1 : 1) * (request.descending ? -1 : 1));
    const start = (request.next as number | undefined) ?? 0;
    const end = start + request.limit;
    return { cars: keyed.slice(start, end).map((c) => structuredClone(c.car)), next: end < keyed.length ? end : undefined };
  }

  async calendars(carIds: readonly string[]) {
    return new Map(carIds.map((id) => [id, structuredClone(this.cars.find((c) => c.carId === id)?.blocks ?? [])]));
  }
}

const block = (id: string, startDay: number, days: number, kind: 'Confirmed' | 'live' | 'lapsed'): Block => ({
  id,
  kind: 'reservation',
  fromMs: NOW + startDay * DAY,
  readyMs: NOW + (startDay + days) * DAY,
  ...(kind === 'Confirmed'
    ? { status: 'Confirmed' as const }
    : { status: 'Pending' as const, holdExpiresAt: kind === 'live' ? NOW + 600_000 : NOW - 1 }),
});

const fleet = fc
  .array(
    fc.record({
      type: fc.constantFrom(...CAR_TYPES),
      price: fc.integer({ min: 30, max: 40 }).map((p) => p * 100),
      ratingCount: fc.integer({ min: 0, max: 3 }),
      stars: fc.integer({ min: 1, max: 5 }),
      blocks: fc.array(
        fc.record({
          start: fc.integer({ min: 0, max: 12 }),
          days: fc.integer({ min: 1, max: 4 }),
          kind: fc.constantFrom('Confirmed', 'live', 'lapsed'),
        }),
        { maxLength: 3 },
      ),
    }),
    { minLength: 0, maxLength: 50 },
  )
  .map((specs) =>
    specs.map((s, i) =>
      carFixture({
        carId: `c0000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        location: 'LAX',
        type: s.type,
        pricePerDayMinor: s.price,
        ratingCount: s.ratingCount,
        ratingTotal: s.ratingCount * s.stars,
        blocks: s.blocks.map((b, j) => block(`r-${i}-${j}`, b.start, b.days, b.kind as 'Confirmed' | 'live' | 'lapsed')),
      }),
    ),
  );

const query = fc.record({
  start: fc.integer({ min: 0, max: 12 }),
  days: fc.integer({ min: 1, max: 4 }),
  type: fc.option(fc.constantFrom(...CAR_TYPES), { nil: undefined }),
  sort: fc.constantFrom<SortOrder>('price', '-price', '-rating'),
  limit: fc.integer({ min: 1, max: 12 }),
  minPriceMinor: fc.option(fc.constant(3300), { nil: undefined }),
});

/** Every page of a search, following its cursors: car ids and whether a next page was offered. */
const pages = async (search: (q: SearchQuery) => Promise<{ cars: Car[]; nextCursor?: string }>, first: SearchQuery) => {
  const out: Array<{ ids: string[]; next: string | undefined }> = [];
  let q: SearchQuery | undefined = first;
  for (let n = 0; q && n < 30; n++) {
    const page = await search(q);
    out.push({ ids: page.cars.map((c) => c.carId), next: page.nextCursor });
    q = page.nextCursor ? { ...q, cursor: page.nextCursor } : undefined;
  }
  return out;
};

it('cached search pages are the uncached ones, cold and warm', async () => {
  const redis = new RedisMock() as unknown as RedisCommands;
  await fc.assert(
    fc.asyncProperty(fleet, query, async (cars, q) => {
      await (redis as unknown as { flushall(): Promise<unknown> }).flushall();
      const repo = new IndexedCars(cars) as unknown as CarRepository;
      const cache = new RedisFleetCache(async () => redis);
      const first: SearchQuery = {
        location: 'LAX',
        window: { fromMs: NOW + q.start * DAY, readyMs: NOW + (q.start + q.days) * DAY },
        sort: q.sort,
        limit: q.limit,
        ...(q.type ? { type: q.type } : {}),
        ...(q.minPriceMinor ? { minPriceMinor: q.minPriceMinor } : {}),
      };
      const direct = await pages((s) => searchAvailableCars(repo, s, NOW), first);
      const cold = await pages((s) => searchWithCache({ cars: repo, cache }, s, NOW), first);
      const warm = await pages((s) => searchWithCache({ cars: repo, cache }, s, NOW), first);
      expect(cold).toEqual(direct);
      expect(warm).toEqual(direct);
    }),
    { numRuns: 150 },
  );
});
