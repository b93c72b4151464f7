import { cursorKey } from '../../adapters/cursor-key';
import { carRepository } from '../../adapters/fleet';
import { photoUrls } from '../../adapters/fleet/photo-urls';
import { fleetCache } from '../../adapters/redis-backed';
import { fleetRoutes as routes } from '../../api/routes/fleet';
import { rentalLimits } from '../../domain/bookings/limits';
import { pricingRules } from '../../adapters/pricing';
import { searchWithCache } from '../../domain/fleet/search';
import { locationPricing, toDecimal } from '../../domain/pricing';
import { priceSearchPage } from '../../domain/quotes/search-totals';
import { resolveRentalTimes } from '../../domain/rental-time';
import { httpHandler } from '../../http/handler';
import { countEvent } from '../../shared/business-metrics';
import { clock } from '../../shared/clock';
import { validationError } from '../../shared/errors';
import { presentCar, searchFiltersOf } from './presenter';

const deps = { cars: carRepository(), cache: fleetCache(), photoUrl: photoUrls(), pricing: pricingRules(), clock };

/** v2: cars free from a time to a time, each with the rental's total by the location's pricing (as a quote without extras prices it). */
export const handler = httpHandler(
  routes.searchCarsAtTimes,
  async ({ query }) => {
    const nowMs = deps.clock.now().getTime();
    const resolved = resolveRentalTimes(query, query.location, nowMs, rentalLimits());
    if (!resolved.ok)
      throw validationError(resolved.problems.map((p) => ({ field: `query.${p.field}`, message: p.message, rule: p.rule })));
    const { times } = resolved;
    const filters = searchFiltersOf(query);
    // One read of the location's pricing per search, beside the page.
    const [page, pricing] = await Promise.all([
      searchWithCache(deps, { location: query.location, window: times.window, ...filters }, nowMs),
      locationPricing(deps, query.location),
    ]);
    const { currency } = pricing.rules;
    countEvent(page.cached ? 'SearchCacheHits' : 'SearchCacheMisses');
    const cars = priceSearchPage(page.cars, pricing, times, filters.sort).map(({ car, totalMinor }) => ({
      ...presentCar(car, deps.photoUrl),
      totalPrice: toDecimal(totalMinor, currency),
      currency,
    }));
    return {
      body: {
        pickupAt: times.pickupAt,
        returnAt: times.returnAt,
        days: times.days,
        currency,
        cars,
        nextCursor: page.nextCursor ?? null,
      },
      headers: { 'x-cache': page.cached ? 'hit' : 'miss' },
    };
  },
  { cursorKey },
);
