import { isFreeFor } from './availability';
import { CAR_TYPES, type CarType, type LocationCode } from './catalog';
import { averageRating, type Car } from './car';
import { decodeCursor, encodeCursor, filtersFingerprint, type SortOrder } from './cursor';
import type { Interval } from './interval';
import type { CarRepository, FleetCache, SearchResultPage } from './ports';
import { pricePosition, searchPartitions, sortKeyRange } from './search-keys';

export interface SearchQuery {
  location: LocationCode;
  /** The time the car must be free for: a v1 period's days, or v2's pick-up to return plus turnaround. */
  window: Interval;
  type?: CarType;
  minPriceMinor?: number;
  maxPriceMinor?: number;
  sort: SortOrder;
  limit: number;
  cursor?: string;
}

export type { SearchResultPage };

/** One ordered source of cars: one type's key range in one index partition. */
class Stream {
  buffer: Car[] = [];
  private next: unknown;
  private exhausted = false;

  constructor(
    private readonly repo: CarRepository,
    private readonly request: { partition: string; from: string; to: string; descending: boolean; limit: number },
    /** Sort-key suffix already consumed by an earlier page; skipped when the range starts on it. */
    private readonly after?: string,
  ) {}

  get needsRefill() {
    return this.buffer.length === 0 && !this.exhausted;
  }
  get hasMore() {
    return this.buffer.length > 0 || !this.exhausted;
  }

  async refill(): Promise<void> {
    const page = await this.repo.searchPage({ ...this.request, next: this.next });
    this.buffer = page.cars.filter((car) => positionOf(car) !== this.after);
    this.next = page.next;
    this.exhausted = page.next === undefined;
  }
}

const positionOf = (car: Car): string => pricePosition(car.pricePerDayMinor, car.carId);

/**
 * Cars at a location that are active and free for the whole window, ordered by price, one page at a
 * time. Reads one Query per (type, write shard) in parallel, k-way merges them by price, and filters
 * availability in memory from each car's blocks; it stops reading as soon as the page is full. Never
 * a Scan: every read is a key-range Query on the `byLocation` index.
 */
export const searchAvailableCars = async (repo: CarRepository, query: SearchQuery, nowMs: number): Promise<SearchResultPage> => {
  if (query.sort === '-rating') return searchByRating(repo, query, nowMs);
  const descending = query.sort === '-price';
  const filters = filtersFingerprint([query.location, query.window, query.type, query.minPriceMinor, query.maxPriceMinor]);
  const after = query.cursor ? decodeCursor(query.cursor, { sort: query.sort, filters }) : undefined;
  const types = query.type ? [query.type] : CAR_TYPES;
  const partitions = searchPartitions(query.location);
  // Enough per request that a typical page fills in one round, without reading a whole location.
  const pageSize = Math.max(5, Math.ceil((query.limit * 2) / (types.length * partitions.length)));

  const streams = types.flatMap((type) => {
    const range = sortKeyRange(type, query.minPriceMinor, query.maxPriceMinor);
    // Resume where the previous page stopped: the consumed position becomes the inclusive bound.
    if (after && !descending) range.from = `${type}#${after}` > range.from ? `${type}#${after}` : range.from;
    if (after && descending) range.to = `${type}#${after}` < range.to ? `${type}#${after}` : range.to;
    return partitions.map((partition) => new Stream(repo, { partition, ...range, descending, limit: pageSize }, after));
  });

  const cars: Car[] = [];
  let last: string | undefined;
  while (cars.length < query.limit) {
    await Promise.all(streams.filter((s) => s.needsRefill).map((s) => s.refill()));
    const head = pickHead(streams, descending);
    if (!head) break;
    const car = head.buffer.shift()!;
    last = positionOf(car);
    if (car.status === 'active' && isFreeFor(car.blocks, query.window, nowMs)) cars.push(car);
  }
  const more = cars.length === query.limit && streams.some((s) => s.hasMore);
  return { cars, nextCursor: more && last ? encodeCursor({ sort: query.sort, position: last, filters }) : undefined };
};

/**
 * Best rated first: highest average, then most reviews, then cheapest. `<50 - average x 10>#<999999 -
 * count>#<price>#<carId>` sorts in that order as a string, and is what a cursor records.
 */
export const ratingPosition = (car: Car): string => {
  const average = Math.round((averageRating(car) ?? 0) * 10);
  return `${String(50 - average).padStart(2, '0')}#${String(999_999 - Math.min(car.ratingCount, 999_999)).padStart(6, '0')}#${positionOf(car)}`;
};

/**
 * Sorted by rating, which the index does not order: every car of the filters at the location is read
 * (still one key-range Query per type and shard, never a Scan, and bounded by the cars of those types
 * there), the free ones are ordered in memory, and a page is cut after the cursor's position. Pages are
 * cached like any search; a rating that changes between two pages can move a car across them.
 */
const searchByRating = async (repo: CarRepository, query: SearchQuery, nowMs: number): Promise<SearchResultPage> => {
  const filters = filtersFingerprint([query.location, query.window, query.type, query.minPriceMinor, query.maxPriceMinor]);
  const after = query.cursor ? decodeCursor(query.cursor, { sort: query.sort, filters }) : undefined;
  const types = query.type ? [query.type] : CAR_TYPES;
  const streams = types.flatMap((type) =>
    searchPartitions(query.location).map(
      (partition) =>
        new Stream(repo, { partition, ...sortKeyRange(type, query.minPriceMinor, query.maxPriceMinor), descending: false, limit: 100 }),
    ),
  );
  const all: Car[] = [];
  await Promise.all(
    streams.map(async (stream) => {
      while (stream.hasMore) {
        await stream.refill();
        all.push(...stream.buffer.splice(0));
      }
    }),
  );
  const ranked = all
    .filter((car) => car.status === 'active' && isFreeFor(car.blocks, query.window, nowMs))
    .map((car) => ({ car, position: ratingPosition(car) }))
    .filter(({ position }) => after === undefined || position > after)
    .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  const page = ranked.slice(0, query.limit);
  const more = ranked.length > query.limit;
  return {
    cars: page.map(({ car }) => car),
    nextCursor: more ? encodeCursor({ sort: query.sort, position: page[page.length - 1].position, filters }) : undefined,
  };
};

const pickHead = (streams: Stream[], descending: boolean): Stream | undefined => {
  let best: Stream | undefined;
  for (const stream of streams) {
    if (stream.buffer.length === 0) continue;
    if (!best) {
      best = stream;
      continue;
    }
    const a = positionOf(stream.buffer[0]);
    const b = positionOf(best.buffer[0]);
    if (descending ? a > b : a < b) best = stream;
  }
  return best;
};

/** Search through the cache: a hit answers without DynamoDB; a miss is stored under the generation of the location and the window's days. */
export const searchWithCache = async (
  deps: { cars: CarRepository; cache: FleetCache },
  query: SearchQuery,
  nowMs: number,
): Promise<SearchResultPage & { cached: boolean }> => {
  const queryKey = filtersFingerprint(query);
  const { page, generation } = await deps.cache.lookupSearch(query.location, queryKey, query.window);
  if (page) return { ...page, cached: true };
  const fresh = await searchAvailableCars(deps.cars, query, nowMs);
  await deps.cache.storeSearch(query.location, queryKey, generation, fresh);
  return { ...fresh, cached: false };
};
