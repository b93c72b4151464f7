import { LOCATIONS } from './catalog';
import type { Car, Photo } from './car';
import { activeCarWithPhotos } from './manage-cars';
import type { FleetDeps } from './ports';

/** Public reads of the fleet. */

export const carDetails = async (deps: Pick<FleetDeps, 'cars' | 'cache'>, carId: string): Promise<{ car: Car; photos: Photo[] }> => {
  const { details, generation } = await deps.cache.lookupCar(carId);
  if (details) return details;
  // Stored under the generation read before DynamoDB: if the car changed meanwhile, its invalidation
  // moved the generation on and these possibly old details are never served.
  const found = await activeCarWithPhotos(deps, carId);
  await deps.cache.storeCar(carId, generation, found);
  return found;
};

/** Every code a car may use (the catalog's LOCATIONS), with its active cars (counters kept in the car transactions). */
export const locationsWithCounts = async (deps: Pick<FleetDeps, 'cars'>): Promise<Array<{ code: string; activeCars: number }>> => {
  const counts = await deps.cars.locationCounts();
  return LOCATIONS.map((code) => ({ code, activeCars: counts.get(code) ?? 0 }));
};

/**
 * The branches: the locations a customer can rent from, i.e. those with at least one active car. A
 * code of the catalog without cars is only a place an admin may open a branch (by adding a car there).
 */
export const branches = async (deps: Pick<FleetDeps, 'cars'>): Promise<Array<{ code: string; activeCars: number }>> =>
  (await locationsWithCounts(deps)).filter((location) => location.activeCars > 0);
