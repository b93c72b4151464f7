import { isFreeFor } from './availability';
import { CAR_TYPES, type CarType, type LocationCode } from './catalog';
import { averageRating, type Car } from './car';
import { decodeCursor, encodeCursor, filtersFingerprint, type SortOrder } from './cursor';
import type { Interval } from './interval';
import type { CandidateRun, CarRepository, FleetCache, SearchResultPage } from './ports';
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
  const streams = priceStreams(repo, query, after, query.limit);

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

/** The sources of a price-ordered search, one per (type, shard), resuming after `after`, each read `wanted`-sized. */
const priceStreams = (repo: CarRepository, query: SearchQuery, after: string | undefined, wanted: number): Stream[] => {
  const descending = query.sort === '-price';
  const types = query.type ? [query.type] : CAR_TYPES;
  const partitions = searchPartitions(query.location);
  // Enough per request that a typical page fills in one round, without reading a whole location.
  const pageSize = Math.max(5, Math.ceil((wanted * 2) / (types.length * partitions.length)));
  return types.flatMap((type) => {
    const range = sortKeyRange(type, query.minPriceMinor, query.maxPriceMinor);
    // Resume where the previous page stopped: the consumed position becomes the inclusive bound.
    if (after && !descending) range.from = `${type}#${after}` > range.from ? `${type}#${after}` : range.from;
    if (after && descending) range.to = `${type}#${after}` < range.to ? `${type}#${after}` : range.to;
    return partitions.map((partition) => new Stream(repo, { partition, ...range, descending, limit: pageSize }, after));
  });
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
  const ranked = (await rankedByRating(repo, query))
    .filter(({ car }) => car.status === 'active' && isFreeFor(car.blocks, query.window, nowMs))
    .filter(({ position }) => after === undefined || position > after);
  const page = ranked.slice(0, query.limit);
  const more = ranked.length > query.limit;
  return {
    cars: page.map(({ car }) => car),
    nextCursor: more ? encodeCursor({ sort: query.sort, position: page[page.length - 1].position, filters }) : undefined,
  };
};

/** Every car of the filters at the location (one key-range Query per type and shard), best rated first. */
const rankedByRating = async (repo: CarRepository, query: SearchQuery): Promise<Array<{ car: Car; position: string }>> => {
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
  return all
    .map((car) => ({ car, position: ratingPosition(car) }))
    .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
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

/**
 * Search through the cache. `candidates` (the design): runs of candidate cars (the filters' cars in the
 * sort's order, whatever their availability) are cached per location and filters, not per window, and
 * only fleet edits invalidate them; availability is judged per request on each car's calendar, cached
 * apart and invalidated per car by its bookings (FleetCache). A booking so leaves every cached search
 * valid but for its one car's calendar, and a search sent after a hold's decision was answered never
 * shows that car for its time. A hit: no DynamoDB read at all. `pages` (the former design): whole pages
 * per query under the location's (and the window days') generations.
 */
export const searchWithCache = async (
  deps: { cars: CarRepository; cache: FleetCache },
  query: SearchQuery,
  nowMs: number,
): Promise<SearchResultPage & { cached: boolean }> => {
  if (deps.cache.searchCaching === 'pages') return searchWithPageCache(deps, query, nowMs);
  const filters = filtersFingerprint([query.location, query.window, query.type, query.minPriceMinor, query.maxPriceMinor]);
  let after = query.cursor ? decodeCursor(query.cursor, { sort: query.sort, filters }) : undefined;
  const position = query.sort === '-rating' ? ratingPosition : positionOf;
  // Twice the page: a page fills from one run unless most of the cars are taken for the window.
  const runSize = Math.max(MIN_RUN, query.limit * 2);
  const cars: Car[] = [];
  let cached = true;
  let more = false;
  for (;;) {
    const runKey = filtersFingerprint([query.type, query.minPriceMinor, query.maxPriceMinor, query.sort, after ?? '', runSize]);
    const { run: hit, generation } = await deps.cache.lookupCandidates(query.location, runKey);
    let run = hit;
    if (!run) {
      cached = false;
      run = await readCandidates(deps.cars, query, after, runSize);
      await deps.cache.storeCandidates(query.location, runKey, generation, run);
    }
    const active = run.cars.filter((car) => car.status === 'active');
    const found = await deps.cache.calendars(
      active.map((car) => car.carId),
      (carIds) => deps.cars.calendars(carIds),
    );
    cached &&= found.cached;
    for (const car of active) {
      const blocks = found.calendars.get(car.carId) ?? [];
      const free = isFreeFor(blocks, query.window, nowMs);
      // Past a full page: by price, any further car means a next page; by rating, a further free one (as searchByRating).
      if (cars.length === query.limit) {
        if (free || query.sort !== '-rating') more = true;
        if (more) break;
      } else if (free) cars.push({ ...car, blocks });
    }
    if (more || !run.more || run.cars.length === 0) break;
    if (cars.length === query.limit && query.sort !== '-rating') {
      more = true;
      break;
    }
    after = position(run.cars[run.cars.length - 1]);
  }
  const last = cars[cars.length - 1];
  return {
    cars,
    nextCursor: more && last ? encodeCursor({ sort: query.sort, position: position(last), filters }) : undefined,
    cached,
  };
};

/** The fewest candidates a run holds (a small page still gets a few spare ones). */
const MIN_RUN = 20;

/**
 * Up to `count` candidates after `after` in the query's order (active cars of its filters at its location;
 * availability is judged per request), and whether more follow. Blocks are left out: calendars are read
 * apart, fresh.
 */
const readCandidates = async (repo: CarRepository, query: SearchQuery, after: string | undefined, count: number): Promise<CandidateRun> => {
  const bare = (car: Car): Car => ({ ...car, blocks: [] });
  if (query.sort === '-rating') {
    const rest = (await rankedByRating(repo, query)).filter(({ position }) => after === undefined || position > after);
    return { cars: rest.slice(0, count).map(({ car }) => bare(car)), more: rest.length > count };
  }
  const descending = query.sort === '-price';
  const streams = priceStreams(repo, query, after, count);
  const cars: Car[] = [];
  const next = async () => {
    await Promise.all(streams.filter((s) => s.needsRefill).map((s) => s.refill()));
    return pickHead(streams, descending);
  };
  for (let head = await next(); head && cars.length < count; head = await next()) cars.push(bare(head.buffer.shift()!));
  return { cars, more: (await next()) !== undefined };
};

/** The `pages` design: a whole page per query, stored under the generation of the location and the window's days. */
const searchWithPageCache = async (
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
