import type { Block } from './availability';
import type { CarRepository, FleetCache } from './ports';

/**
 * What the booking work calls when a reservation holds, confirms, cancels or expires (and what
 * maintenance uses): the car's blocks change, then the location's cached searches are dropped, so a
 * search made after the change returns never shows the car for those days.
 */
export const blockCar = async (deps: { cars: CarRepository; cache: FleetCache }, carId: string, block: Block): Promise<boolean> => {
  const location = await deps.cars.addBlock(carId, block);
  if (location) await deps.cache.invalidateLocation(location);
  return location !== undefined;
};

export const unblockCar = async (
  deps: { cars: CarRepository; cache: FleetCache },
  carId: string,
  reservationId: string,
  now: Date,
): Promise<boolean> => {
  const location = await deps.cars.removeBlocks(carId, reservationId, now);
  if (location) await deps.cache.invalidateLocation(location);
  return location !== undefined;
};
