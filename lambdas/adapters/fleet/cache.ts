import { createHash } from 'node:crypto';
import type { RedisCommands } from '../redis';
import type { Interval } from '../../domain/fleet/interval';
import type { LocationCode } from '../../domain/fleet/catalog';
import type { Car, Photo } from '../../domain/fleet/car';
import type { FleetCache } from '../../domain/fleet/ports';
import type { SearchResultPage } from '../../domain/fleet/search';
import { logger } from '../../shared/logger';

/** Short on purpose: invalidation is the rule, the TTL only bounds staleness if an invalidation was lost. */
const SEARCH_TTL_SECONDS = 60;
const CAR_TTL_SECONDS = 300;

const generationKey = (location: string) => `fleet:gen:${location}`;
const dayGenerationKey = (location: string, day: number) => `fleet:gen:${location}:${day}`;
const DAY_MS = 86_400_000;
/** Longest window or change followed day by day; a longer one is treated as the whole location. */
const MAX_TRACKED_DAYS = 62;

/** UTC day numbers an interval touches (half-open), or undefined when too many to follow one by one. */
const daysOf = (interval: Interval): number[] | undefined => {
  const first = Math.floor(interval.fromMs / DAY_MS);
  const last = Math.ceil(interval.readyMs / DAY_MS) - 1;
  if (last - first + 1 > MAX_TRACKED_DAYS || last < first) return undefined;
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
};

/**
 * How searches are invalidated. `day` (the default): a change of a car's calendar bumps the generation
 * of each UTC day it touches at the location, and a search is cached under the location's generation
 * and those of its window's days, so a booking leaves pages of other days valid. `location`: every
 * change bumps the location's generation (the former scheme, kept to measure against: bench:mixed).
 */
export type SearchCacheScheme = 'location' | 'day';
const searchKey = (location: string, generation: string, queryKey: string) => `fleet:search:${location}:${generation}:${queryKey}`;
const carGenerationKey = (carId: string) => `fleet:cargen:${carId}`;
const carKey = (carId: string, generation: string) => `fleet:car:${carId}:${generation}`;

/**
 * The fleet cache in Redis. Searches are cached per location under generation numbers: the location's,
 * and (scheme `day`) those of the days the search's window covers; invalidating is an INCR of the
 * location's, or of the changed days', which makes the affected pages unreachable (old ones expire). A page
 * computed from a read that raced with a change is stored under the generation read *before* the
 * DynamoDB read, so it is never served after that change's invalidation. A car's details work the same
 * way, with a generation per car: a read that missed, raced with a change (a rating moved by the stream
 * aggregator, say) and stored the old details after the invalidation stores them where no one looks.
 *
 * Redis is optional: every failure is logged and behaves as a miss; DynamoDB answers instead.
 */
export class RedisFleetCache implements FleetCache {
  constructor(
    private readonly redis: () => Promise<RedisCommands>,
    /** Settable so a benchmark can compare the schemes on the handlers' own instance (useSearchCacheScheme). */
    public scheme: SearchCacheScheme = 'day',
  ) {}

  private async attempt<T>(what: string, work: (redis: RedisCommands) => Promise<T>, fallback: T): Promise<T> {
    try {
      return await work(await this.redis());
    } catch (err) {
      logger.warn('fleet cache unavailable; answering without it', { what, error: (err as Error).message });
      return fallback;
    }
  }

  lookupSearch(location: LocationCode, queryKey: string, window?: Interval) {
    return this.attempt(
      'lookupSearch',
      async (redis) => {
        const days = this.scheme === 'day' && window ? (daysOf(window) ?? []) : [];
        const generations = await redis.mget(generationKey(location), ...days.map((day) => dayGenerationKey(location, day)));
        // The location's generation, then a digest of the days' (a page key stays short for a long window).
        const [own, ...ofDays] = generations.map((g) => g ?? '0');
        const generation = ofDays.length ? `${own}.${createHash('sha1').update(ofDays.join('.')).digest('base64url').slice(0, 12)}` : own;
        const hit = await redis.get(searchKey(location, generation, queryKey));
        return { generation, page: hit ? (JSON.parse(hit) as SearchResultPage) : undefined };
      },
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the assertion sets attempt's result type
      {} as { page?: SearchResultPage; generation?: string },
    );
  }

  async storeSearch(location: LocationCode, queryKey: string, generation: string | undefined, page: SearchResultPage) {
    if (generation === undefined) return; // the lookup failed: do not store under a guessed generation
    await this.attempt(
      'storeSearch',
      (redis) => redis.set(searchKey(location, generation, queryKey), JSON.stringify(page), 'EX', SEARCH_TTL_SECONDS),
      null,
    );
  }

  async invalidateLocation(location: LocationCode, interval?: Interval) {
    const days = this.scheme === 'day' && interval ? daysOf(interval) : undefined;
    await this.attempt(
      'invalidateLocation',
      async (redis) => {
        if (!days) return redis.incr(generationKey(location));
        const transaction = redis.multi();
        for (const day of days) transaction.incr(dayGenerationKey(location, day));
        return transaction.exec();
      },
      0,
    );
  }

  lookupCar(carId: string) {
    return this.attempt(
      'lookupCar',
      async (redis) => {
        const generation = (await redis.get(carGenerationKey(carId))) ?? '0';
        const hit = await redis.get(carKey(carId, generation));
        return { generation, details: hit ? (JSON.parse(hit) as { car: Car; photos: Photo[] }) : undefined };
      },
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the assertion sets attempt's result type
      {} as { details?: { car: Car; photos: Photo[] }; generation?: string },
    );
  }

  async storeCar(carId: string, generation: string | undefined, details: { car: Car; photos: Photo[] }) {
    if (generation === undefined) return; // the lookup failed: do not store under a guessed generation
    await this.attempt('storeCar', (redis) => redis.set(carKey(carId, generation), JSON.stringify(details), 'EX', CAR_TTL_SECONDS), null);
  }

  async invalidateCar(carId: string) {
    await this.attempt('invalidateCar', (redis) => redis.incr(carGenerationKey(carId)), 0);
  }
}
