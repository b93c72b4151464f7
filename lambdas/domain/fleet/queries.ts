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

/** Every location, including those with no car yet (counters are kept in the car transactions). */
export const locationsWithCounts = async (deps: Pick<FleetDeps, 'cars'>): Promise<Array<{ code: string; activeCars: number }>> => {
  const counts = await deps.cars.locationCounts();
  return LOCATIONS.map((code) => ({ code, activeCars: counts.get(code) ?? 0 }));
};
