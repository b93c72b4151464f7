import { cursorKey } from '../../adapters/cursor-key';
import { carRepository } from '../../adapters/fleet';
import { mediaStore } from '../../adapters/fleet/media';
import { fleetCache } from '../../adapters/redis-backed';
import { clock } from '../../shared/clock';
import { fleetRoutes as routes } from '../../api/routes/fleet';
import { dayInterval } from '../../domain/fleet/interval';
import { searchWithCache } from '../../domain/fleet/search';
import { httpHandler } from '../../http/handler';
import { countEvent } from '../../shared/business-metrics';
import { presentCar, searchFiltersOf } from './presenter';

const deps = { cars: carRepository(), cache: fleetCache(), media: mediaStore(), clock };

export const handler = httpHandler(
  routes.searchCars,
  async ({ query }) => {
    const page = await searchWithCache(
      deps,
      {
        location: query.location,
        window: dayInterval({ startDate: query.startDate, endDate: query.endDate }),
        ...searchFiltersOf(query),
      },
      deps.clock.now().getTime(),
    );
    countEvent(page.cached ? 'SearchCacheHits' : 'SearchCacheMisses');
    return {
      body: { cars: await Promise.all(page.cars.map((car) => presentCar(car, deps.media))), nextCursor: page.nextCursor ?? null },
      headers: { 'x-cache': page.cached ? 'hit' : 'miss' },
    };
  },
  { cursorKey },
);
