import type { RedisCommands } from '../redis';
import type { LocationCode } from '../../domain/fleet/catalog';
import type { Car, Photo } from '../../domain/fleet/car';
import type { FleetCache } from '../../domain/fleet/ports';
import type { SearchResultPage } from '../../domain/fleet/search';
import { logger } from '../../shared/logger';

/** Short on purpose: invalidation is the rule, the TTL only bounds staleness if an invalidation was lost. */
const SEARCH_TTL_SECONDS = 60;
const CAR_TTL_SECONDS = 300;

const generationKey = (location: string) => `fleet:gen:${location}`;
const searchKey = (location: string, generation: string, queryKey: string) => `fleet:search:${location}:${generation}:${queryKey}`;
const carGenerationKey = (carId: string) => `fleet:cargen:${carId}`;
const carKey = (carId: string, generation: string) => `fleet:car:${carId}:${generation}`;

/**
 * The fleet cache in Redis. Searches are cached per location under a generation number; invalidating
 * a location is one INCR, which makes every cached page of it unreachable (old ones expire). A page
 * computed from a read that raced with a change is stored under the generation read *before* the
 * DynamoDB read, so it is never served after that change's invalidation. A car's details work the same
 * way, with a generation per car: a read that missed, raced with a change (a rating moved by the stream
 * aggregator, say) and stored the old details after the invalidation stores them where no one looks.
 *
 * Redis is optional: every failure is logged and behaves as a miss; DynamoDB answers instead.
 */
export class RedisFleetCache implements FleetCache {
  constructor(private readonly redis: () => Promise<RedisCommands>) {}

  private async attempt<T>(what: string, work: (redis: RedisCommands) => Promise<T>, fallback: T): Promise<T> {
    try {
      return await work(await this.redis());
    } catch (err) {
      logger.warn('fleet cache unavailable; answering without it', { what, error: (err as Error).message });
      return fallback;
    }
  }

  lookupSearch(location: LocationCode, queryKey: string) {
    return this.attempt(
      'lookupSearch',
      async (redis) => {
        const generation = (await redis.get(generationKey(location))) ?? '0';
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

  async invalidateLocation(location: LocationCode) {
    await this.attempt('invalidateLocation', (redis) => redis.incr(generationKey(location)), 0);
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
