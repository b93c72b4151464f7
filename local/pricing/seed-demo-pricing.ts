import { pricingRules } from '../../lambdas/adapters/pricing';
import { fleetCache } from '../../lambdas/adapters/redis-backed';
import { CAR_TYPES, type CarType, type LocationCode } from '../../lambdas/domain/fleet/catalog';
import {
  setCarRates,
  setLocationExtras,
  setLocationPricing,
  type Charge,
  type Extra,
  type LocationRules,
  type PricingWriteDeps,
  type RateCard,
} from '../../lambdas/domain/pricing';
import { clock } from '../../lambdas/shared/clock';
import { AppError } from '../../lambdas/shared/errors';

/**
 * Pricing rules for the demo locations, so a new user's quotes have real lines: at each location a sales
 * tax and an airport fee, weekly and monthly rates per car type (and on each demo car), one season, a
 * weekend adjustment, driver rules (21, 25 for LUXURY, a young-driver fee under 25), the four standard
 * extras with three child seats, one-way rentals between LAX and SEA, and the counter's rules. Written through the admin use
 * cases with `If-Match: 0`, so rules an admin has set (or a kept data dir holds) are never overwritten.
 */

/** Local sales tax of each demo location's city, in basis points (New York City's 8.875 % is 887.5). */
const SALES_TAX_BP: Partial<Record<LocationCode, number>> = { LAX: 950, JFK: 887.5, ORD: 1025, MIA: 700, SEA: 1025 };
const ONE_WAY: ReadonlyArray<[from: LocationCode, to: LocationCode, dropFeeMinor: number]> = [
  ['LAX', 'SEA', 15_000],
  ['SEA', 'LAX', 15_000],
];

const DAY_MS = 86_400_000;
const localDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Weekly 85 % and monthly 70 % of the daily price per day, by the hour a fifth of a day: whole dollars. */
export const demoRateCard = (dailyMinor: number): RateCard => {
  const dollars = (fraction: number) => Math.round((dailyMinor * fraction) / 100) * 100;
  return {
    currency: 'USD',
    dailyMinor,
    weeklyDailyMinor: dollars(0.85),
    monthlyDailyMinor: dollars(0.7),
    hourlyMinor: dollars(0.2),
  };
};

const charges = (location: LocationCode): Charge[] => [
  { name: 'AIRPORT_FEE', label: 'Airport concession recovery fee', kind: 'fee', percentBp: 1111, appliesTo: ['rate'] },
  {
    name: 'SALES_TAX',
    label: 'Sales tax',
    kind: 'tax',
    percentBp: SALES_TAX_BP[location] ?? 800,
    appliesTo: ['rate', 'fees', 'extras', 'oneWay', 'youngDriver'],
  },
];

export const DEMO_EXTRAS: Extra[] = [
  { code: 'CHILD_SEAT', label: 'Child seat', priceMinor: 1200, per: 'day', capMinor: 6000, maxQuantity: 2, stock: 3 },
  { code: 'GPS', label: 'GPS navigation', priceMinor: 999, per: 'day', capMinor: 4995, maxQuantity: 1, stock: 10 },
  { code: 'ADDITIONAL_DRIVER', label: 'Additional driver', priceMinor: 1300, per: 'day', capMinor: 6500, maxQuantity: 3 },
  { code: 'CDW', label: 'Collision damage waiver', priceMinor: 2999, per: 'day', maxQuantity: 1 },
];

/**
 * A demo location's rules. The season starts two weeks after the first start and lasts a month, so quotes
 * made while trying the demo can meet it (it is seeded once: a kept data dir keeps its dates).
 */
export const demoLocationRules = (
  location: LocationCode,
  typeDailyMinor: Readonly<Record<CarType, number>>,
  nowMs: number,
): LocationRules => ({
  currency: 'USD',
  rates: Object.fromEntries(CAR_TYPES.map((type) => [type, demoRateCard(typeDailyMinor[type])])),
  seasons: [{ name: 'Peak season', from: localDate(nowMs + 14 * DAY_MS), to: localDate(nowMs + 44 * DAY_MS), multiplierBp: 12_000 }],
  weekend: { days: ['saturday', 'sunday'], multiplierBp: 11_500 },
  charges: charges(location),
  oneWay: ONE_WAY.filter(([from]) => from === location).map(([, to, dropFeeMinor]) => ({ to, dropFeeMinor })),
  drivers: { minimumAge: 21, minimumAgeByType: { LUXURY: 25 }, youngDriver: { underAge: 25, dailyMinor: 2500, capMinor: 25_000 } },
  // The counter: a no-show 2 hours after the pick-up time keeps a quarter of the price; 29 minutes' grace
  // on a return; 15.00 an eighth of a tank; 300 km a day (150 for LUXURY), 0.25 a kilometre over; a
  // 200.00 deposit (500.00 LUXURY).
  counter: {
    noShowAfterMinutes: 120,
    noShowFeeBp: 2_500,
    lateGraceMinutes: 29,
    fuelPerEighthMinor: 1_500,
    mileage: { kmPerDay: 300, kmPerDayByType: { LUXURY: 150 }, perKmMinor: 25 },
    depositMinor: 20_000,
    depositByType: { LUXURY: 50_000 },
  },
});

/** Runs a write made with If-Match 0: false when the rules were set already (412), which the demo leaves alone. */
const unlessSet = async (write: () => Promise<unknown>): Promise<boolean> => {
  try {
    await write();
    return true;
  } catch (err) {
    if (err instanceof AppError && err.kind === 'PRECONDITION_FAILED') return false;
    throw err;
  }
};

export interface DemoCar {
  carId: string;
  pricePerDayMinor: number;
}

/**
 * Seeds the demo locations' rules and extras (where never set), and a card on each demo car just made
 * (its own daily price, so a demo car's v2 daily rate is its v1 price per day). `typeDailyMinor[type]`
 * plus `300 x` the location's index is its card for cars of that type added later.
 */
export const seedDemoPricing = async (
  locations: readonly LocationCode[],
  typeDailyMinor: Readonly<Record<CarType, number>>,
  cars: readonly DemoCar[],
  deps: PricingWriteDeps = { pricing: pricingRules(), cache: fleetCache(), clock },
): Promise<{ locations: number; cars: number }> => {
  const nowMs = deps.clock.now().getTime();
  const seeded = await Promise.all(
    locations.map(async (location, i) => {
      const prices = Object.fromEntries(CAR_TYPES.map((type) => [type, typeDailyMinor[type] + i * 300])) as Record<CarType, number>;
      const rules = await unlessSet(() => setLocationPricing(deps, location, demoLocationRules(location, prices, nowMs), 0));
      await unlessSet(() => setLocationExtras(deps, location, { currency: 'USD', extras: DEMO_EXTRAS }, 0));
      return rules;
    }),
  );
  const rated = await Promise.all(cars.map((car) => unlessSet(() => setCarRates(deps, car.carId, demoRateCard(car.pricePerDayMinor), 0))));
  return { locations: seeded.filter(Boolean).length, cars: rated.filter(Boolean).length };
};
