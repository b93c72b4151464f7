import { cursorKey } from '../../adapters/cursor-key';
import { carRepository } from '../../adapters/fleet';
import { mediaStore } from '../../adapters/fleet/media';
import { fleetCache } from '../../adapters/redis-backed';
import { fleetRoutes as routes } from '../../api/routes/fleet';
import { bookingLimits } from '../../domain/bookings/limits';
import { fromMinorUnits } from '../../domain/fleet/money';
import { searchWithCache } from '../../domain/fleet/search';
import { periodPriceMinor, resolveRentalTimes } from '../../domain/rental-time';
import { httpHandler } from '../../http/handler';
import { countEvent } from '../../shared/business-metrics';
import { clock } from '../../shared/clock';
import { validationError } from '../../shared/errors';
import { presentCar, searchFiltersOf } from './presenter';

const deps = { cars: carRepository(), cache: fleetCache(), media: mediaStore(), clock };

/** v2: cars free from a time to a time, each with the rental's total (the same days for every car, so price order is total order). */
export const handler = httpHandler(
  routes.searchCarsAtTimes,
  async ({ query }) => {
    const nowMs = deps.clock.now().getTime();
    const { maxRentalDays, horizonDays } = bookingLimits();
    const resolved = resolveRentalTimes(query, query.location, nowMs, { maxDays: maxRentalDays, horizonDays });
    if (!resolved.ok)
      throw validationError(resolved.problems.map((p) => ({ field: `query.${p.field}`, message: p.message, rule: p.rule })));
    const { times } = resolved;
    const page = await searchWithCache(
      deps,
      {
        location: query.location,
        window: times.window,
        ...searchFiltersOf(query),
      },
      nowMs,
    );
    countEvent(page.cached ? 'SearchCacheHits' : 'SearchCacheMisses');
    const cars = await Promise.all(
      page.cars.map(async (car) => ({
        ...(await presentCar(car, deps.media)),
        totalPrice: fromMinorUnits(periodPriceMinor(car.pricePerDayMinor, times.days)),
        currency: 'USD' as const,
      })),
    );
    return {
      body: {
        pickupAt: times.pickupAt,
        returnAt: times.returnAt,
        days: times.days,
        currency: 'USD',
        cars,
        nextCursor: page.nextCursor ?? null,
      },
      headers: { 'x-cache': page.cached ? 'hit' : 'miss' },
    };
  },
  { cursorKey },
);
