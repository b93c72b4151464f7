import { cursorKey } from '../../adapters/cursor-key';
import { carRepository } from '../../adapters/fleet';
import { photoUrls } from '../../adapters/fleet/photo-urls';
import { fleetCache } from '../../adapters/redis-backed';
import { clock } from '../../shared/clock';
import { fleetRoutes as routes } from '../../api/routes/fleet';
import { dayInterval } from '../../domain/fleet/interval';
import { searchWithCache } from '../../domain/fleet/search';
import { httpHandler } from '../../http/handler';
import { countEvent } from '../../shared/business-metrics';
import { presentCar, searchFiltersOf } from './presenter';

const deps = { cars: carRepository(), cache: fleetCache(), photoUrl: photoUrls(), clock };

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
      body: { cars: page.cars.map((car) => presentCar(car, deps.photoUrl)), nextCursor: page.nextCursor ?? null },
      headers: { 'x-cache': page.cached ? 'hit' : 'miss' },
    };
  },
  { cursorKey },
);
