import { randomUUID } from 'node:crypto';
import { carRepository } from '../../lambdas/adapters/fleet';
import { fleetCache } from '../../lambdas/adapters/redis-backed';
import { clock } from '../../lambdas/shared/clock';
import type { CarSpec } from '../../lambdas/domain/fleet/car';
import { CAR_TYPES, type CarType, type LocationCode } from '../../lambdas/domain/fleet/catalog';
import { createCar } from '../../lambdas/domain/fleet/manage-cars';
import { locationsWithCounts } from '../../lambdas/domain/fleet/queries';
import { seedDemoPricing } from '../pricing/seed-demo-pricing';

/**
 * A small demo fleet, so a search against a fresh `npm start` finds cars. It goes through the same use
 * case as POST /v1/cars, and only into locations that have no cars yet (a kept data dir is not refilled).
 * Then the demo pricing rules (local/pricing/seed-demo-pricing.ts), so v2 quotes there have real lines.
 */
const MODELS: ReadonlyArray<[make: string, model: string, type: CarType, pricePerDayMinor: number, seats: number]> = [
  ['Toyota', 'Camry', 'SEDAN', 5400, 5],
  ['Honda', 'Civic', 'COMPACT', 4200, 5],
  ['Ford', 'Explorer', 'SUV', 7900, 7],
  ['Jeep', 'Wrangler', 'SUV', 8900, 5],
  ['Ford', 'F-150', 'TRUCK', 9500, 5],
  ['Chrysler', 'Pacifica', 'VAN', 8800, 7],
  ['BMW', '5 Series', 'LUXURY', 14900, 5],
  ['Ford', 'Mustang', 'CONVERTIBLE', 11900, 4],
  ['Tesla', 'Model 3', 'ELECTRIC', 9900, 5],
  ['Kia', 'Niro EV', 'ELECTRIC', 7200, 5],
];
export const DEMO_LOCATIONS: readonly LocationCode[] = ['LAX', 'JFK', 'ORD', 'MIA', 'SEA'];
/** The rate of each car type at the demo locations: its cheapest demo model's price per day. */
/** The demo's daily price per car type: its cheapest model's (location cards add 3.00 per location index). */
export const DEMO_TYPE_DAILY_MINOR = Object.fromEntries(
  CAR_TYPES.map((type) => [type, Math.min(...MODELS.filter((m) => m[2] === type).map((m) => m[3]))]),
) as Record<CarType, number>;

export const seedDemoFleet = async (): Promise<number> => {
  const deps = { cars: carRepository(), cache: fleetCache(), clock, newId: () => randomUUID() };
  const counts = new Map((await locationsWithCounts(deps)).map((l) => [l.code, l.activeCars]));
  const specs: CarSpec[] = DEMO_LOCATIONS.filter((code) => !counts.get(code)).flatMap((location, i) =>
    MODELS.map(([make, model, type, pricePerDayMinor, seats], j) => ({
      make,
      model,
      type,
      location,
      year: 2020 + ((i + j) % 6),
      pricePerDayMinor: pricePerDayMinor + i * 300,
      seats,
      transmission: 'AUTOMATIC',
      fuel: type === 'ELECTRIC' ? 'ELECTRIC' : 'PETROL',
    })),
  );
  const cars = [];
  for (const spec of specs) cars.push({ carId: await createCar(deps, spec), pricePerDayMinor: spec.pricePerDayMinor });
  await seedDemoPricing(DEMO_LOCATIONS, DEMO_TYPE_DAILY_MINOR, cars);
  return specs.length;
};
