import fc from 'fast-check';
import type { Car } from '../../../lambdas/domain/fleet/car';
import { locationPricing, type LocationRules } from '../../../lambdas/domain/pricing';
import { makeQuote, type QuoteDeps } from '../../../lambdas/domain/quotes/make-quote';
import type { StoredQuote } from '../../../lambdas/domain/quotes/quote';
import { priceSearchPage } from '../../../lambdas/domain/quotes/search-totals';
import { formatRentalTime, resolveRentalTimes } from '../../../lambdas/domain/rental-time';
import { FakePricingRules } from '../pricing/fake-pricing-rules';
import { carFixture } from '../../support/fixtures/car';

// Search and quote never disagree: for random periods (across seasons, weekends, weekly and monthly
// rates, an hourly price, DST changes), a v2 search's total for a car is the total of an anonymous quote
// without extras for that car and those times, both through their use cases on the same stored rules.
const NOW = Date.parse('2027-01-05T12:00:00Z');
const LIMITS = { maxDays: 30, horizonDays: 400 };
const HOUR = 3_600_000;

const rules: LocationRules = {
  currency: 'USD',
  rates: { SUV: { currency: 'USD', dailyMinor: 8333, weeklyDailyMinor: 7111, monthlyDailyMinor: 6007, hourlyMinor: 1499 } },
  seasons: [
    { name: 'Summer', from: '2027-06-15', to: '2027-09-15', multiplierBp: 12_500 },
    { name: 'Holiday', from: '2027-07-01', to: '2027-07-05', fixedDailyMinor: 15_000 },
    { name: 'Spring', from: '2027-03-01', to: '2027-04-30', multiplierBp: 9_000 },
  ],
  weekend: { days: ['friday', 'saturday'], multiplierBp: 11_500 },
  charges: [
    { name: 'AIRPORT', label: 'Airport fee', kind: 'fee', percentBp: 1111, appliesTo: ['rate'] },
    { name: 'FACILITY', label: 'Facility charge', kind: 'fee', fixedMinor: 995, per: 'day' },
    { name: 'SALES', label: 'Sales tax', kind: 'tax', percentBp: 887.5, appliesTo: ['rate', 'fees'] },
    { name: 'TOURISM', label: 'Tourism tax', kind: 'tax', fixedMinor: 300, per: 'rental' },
  ],
  oneWay: [],
  drivers: { minimumAge: 21, youngDriver: { underAge: 25, dailyMinor: 2500 } },
};

const carOf = (carId: string, type: Car['type'], pricePerDayMinor: number, rates?: Car['rates']): Car =>
  carFixture({ carId, make: 'Make', model: 'Model', year: 2025, type, location: 'LAX', pricePerDayMinor, ...(rates ? { rates } : {}) });

// One car priced by its type's card, one by its own card, one by its price per day.
const cars = [
  carOf('a0000000-0000-4000-8000-000000000001', 'SUV', 9900),
  carOf('a0000000-0000-4000-8000-000000000002', 'SEDAN', 4550, { currency: 'USD', dailyMinor: 4999, weeklyDailyMinor: 4444 }),
  carOf('a0000000-0000-4000-8000-000000000003', 'COMPACT', 3725),
];

const setup = () => {
  const pricing = new FakePricingRules();
  pricing.locations.set('LAX', { currency: 'USD', rules: { value: rules, version: 1 }, extras: { value: [], version: 0 } });
  for (const car of cars)
    pricing.addCar({ carId: car.carId, type: car.type, location: 'LAX', pricePerDayMinor: car.pricePerDayMinor, rates: car.rates });
  const deps: QuoteDeps = {
    pricing,
    quotes: { put: async () => undefined, get: async () => undefined as StoredQuote | undefined },
    profiles: { get: async () => undefined },
    clock: { now: () => new Date(NOW) },
    newId: () => 'q',
    limits: () => LIMITS,
  };
  return deps;
};

describe('search totals and quote totals', () => {
  it('agree for every car on random periods (fast-check)', async () => {
    const deps = setup();
    const pricing = await locationPricing(deps, 'LAX');
    await fc.assert(
      fc.asyncProperty(
        // A pick-up on the hour within the year ahead, for one hour to 30 days.
        fc.integer({ min: 1, max: 360 * 24 }),
        fc.integer({ min: 1, max: 30 * 24 - 1 }),
        async (startHours, lengthHours) => {
          const pickupMs = NOW - (NOW % HOUR) + startHours * HOUR;
          const input = {
            pickupAt: formatRentalTime(pickupMs, 'America/Los_Angeles').slice(0, 16),
            returnAt: formatRentalTime(pickupMs + lengthHours * HOUR, 'America/Los_Angeles').slice(0, 16),
          };
          const resolved = resolveRentalTimes(input, 'LAX', NOW, LIMITS);
          fc.pre(resolved.ok);
          if (!resolved.ok) return;
          const searched = priceSearchPage(cars, pricing, resolved.times, 'price');
          for (const { car, totalMinor } of searched) {
            const quote = await makeQuote(deps, undefined, { carId: car.carId, ...input });
            expect(totalMinor).toBe(quote.totalMinor);
          }
          // Sorted by total.
          const totals = searched.map((priced) => priced.totalMinor);
          expect(totals).toEqual([...totals].sort((a, b) => a - b));
        },
      ),
      { numRuns: 300 },
    );
  });
});
