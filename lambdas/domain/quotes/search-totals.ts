import type { Car } from '../fleet/car';
import type { SortOrder } from '../fleet/cursor';
import { rateCardFor, searchTotal, type PricingOfLocation } from '../pricing';
import type { RentalTimes } from '../rental-time';

export interface PricedCar {
  car: Car;
  /** What the rental costs with this car, in the location's currency (minor units). */
  totalMinor: number;
}

/**
 * A v2 search page's cars with their totals, from one read of the location's pricing: each car's rate card
 * (its own, its type's there, or its price per day), seasons, weekend, and the location's fees and taxes,
 * by `searchTotal`, so the total is what a quote for the same car and times starts from (no extras, no
 * one-way, no driver age). A price order sorts the page by total (stable: ties keep the index's order);
 * pages still follow the index's daily-price order, which totals match except where rate cards or
 * date rules differ between cars.
 */
export const priceSearchPage = (cars: readonly Car[], pricing: PricingOfLocation, times: RentalTimes, sort: SortOrder): PricedCar[] => {
  const { timeZone, gracePeriodMinutes } = times.profile;
  const period = { pickupMs: times.pickupMs, returnMs: times.returnMs, timeZone, gracePeriodMinutes };
  const priced = cars.map((car) => ({
    car,
    totalMinor: searchTotal({ period, carType: car.type, rates: rateCardFor(car, pricing), rules: pricing.rules }),
  }));
  if (sort === 'price') priced.sort((a, b) => a.totalMinor - b.totalMinor);
  if (sort === '-price') priced.sort((a, b) => b.totalMinor - a.totalMinor);
  return priced;
};
