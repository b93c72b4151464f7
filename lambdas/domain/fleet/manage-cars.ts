import { isBlocking } from './availability';
import { adminClaim, keyReused, requestHash, type AdminRequest } from '../idempotency';
import { conflict, notFound } from '../../shared/errors';
import { noRatings, type Car, type CarSpec, type Photo } from './car';
import type { CarRepository, FleetDeps } from './ports';

/** Admin use cases on the fleet. Every change invalidates the cached searches of the locations it touches. */

export const activeCar = async (deps: { cars: Pick<CarRepository, 'get'> }, carId: string, consistent = false): Promise<Car> => {
  const car = await deps.cars.get(carId, consistent);
  if (!car || car.status !== 'active') throw notFound(`Car ${carId}`);
  return car;
};

/** An active car and its photos in one read (the car's partition), or 404. */
export const activeCarWithPhotos = async (deps: Pick<FleetDeps, 'cars'>, carId: string): Promise<{ car: Car; photos: Photo[] }> => {
  const found = await deps.cars.getWithPhotos(carId);
  if (!found || found.car.status !== 'active') throw notFound(`Car ${carId}`);
  return found;
};

/**
 * Moving or removing a car would strand the customers who booked it there: refuse and list them. Asked
 * of the car as read (the calendar whose version the write is conditioned on: a booking that landed
 * before the read is on it, even while the reservations' index has not caught up) and of the index
 * (which says what each one is).
 */
const refuseIfBooked = async (deps: Pick<FleetDeps, 'reservations' | 'clock'>, car: Car, action: string) => {
  const now = deps.clock.now();
  const upcoming = await deps.reservations.upcoming(car.carId, now);
  const listed = new Set(upcoming.map((r) => r.reservationId));
  const unlisted = car.blocks
    .filter((b) => b.kind === 'reservation' && isBlocking(b, now.getTime()) && b.readyMs > now.getTime() && !listed.has(b.id))
    .map((b) => ({ reservationId: b.id }));
  if (upcoming.length > 0 || unlisted.length > 0) {
    throw conflict(`The car has upcoming reservations; ${action} it after they end or are cancelled.`, {
      reservations: [...upcoming, ...unlisted],
    });
  }
};

/**
 * Adds a car. With an Idempotency-Key (a retry after a timeout), the same key and the same car answer
 * with the car the first attempt made; the same key with another car is refused.
 */
export const createCar = async (
  deps: Pick<FleetDeps, 'cars' | 'cache' | 'clock' | 'newId'>,
  spec: CarSpec,
  request: AdminRequest = {},
): Promise<string> => {
  const now = deps.clock.now();
  const at = now.toISOString();
  const car: Car = {
    ...spec,
    carId: deps.newId(),
    status: 'active',
    blocks: [],
    blocksVersion: 0,
    ...noRatings(),
    createdAt: at,
    updatedAt: at,
  };
  const claim = adminClaim(request, requestHash(JSON.stringify(spec)), now.getTime());
  const outcome = await deps.cars.create(car, claim);
  if (!outcome.created) {
    if (outcome.fingerprint !== claim?.fingerprint) throw keyReused('car');
    return outcome.carId;
  }
  await deps.cache.invalidateLocation(car.location);
  return car.carId;
};

export const updateCar = async (
  deps: Pick<FleetDeps, 'cars' | 'cache' | 'clock' | 'reservations'>,
  carId: string,
  spec: CarSpec,
): Promise<void> => {
  const previous = await activeCar(deps, carId);
  if (previous.location !== spec.location) await refuseIfBooked(deps, previous, 'move');
  await deps.cars.update(previous, spec, deps.clock.now().toISOString());
  await Promise.all([
    deps.cache.invalidateLocation(previous.location),
    ...(previous.location !== spec.location ? [deps.cache.invalidateLocation(spec.location)] : []),
    deps.cache.invalidateCar(carId),
  ]);
};

export const removeCar = async (deps: Pick<FleetDeps, 'cars' | 'cache' | 'clock' | 'reservations'>, carId: string): Promise<void> => {
  const car = await activeCar(deps, carId);
  await refuseIfBooked(deps, car, 'remove');
  await deps.cars.remove(car, deps.clock.now().toISOString());
  await Promise.all([deps.cache.invalidateLocation(car.location), deps.cache.invalidateCar(carId)]);
};
