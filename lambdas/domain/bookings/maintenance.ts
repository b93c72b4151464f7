import { conflict, notFound, validationError } from '../../shared/errors';
import { isFreeFor, type MaintenanceBlock } from '../fleet/availability';
import { dayInterval, occupies } from '../fleet/interval';
import { activeCar } from '../fleet/manage-cars';
import { periodProblems, type Period } from '../fleet/period';
import type { CarRepository, ReservationsOfCar } from '../fleet/ports';
import { adminClaim, keyReused, requestHash, type AdminRequest } from '../idempotency';
import { MAX_BLOCK_DAYS } from './policy';
import type { BookingDeps } from './ports';
import { carIntervalOf } from './reservation';

/** Calendar changes under one request before it gives up (each one is another booking landing). */
const MAX_STALE_READS = 5;

export type MaintenanceDeps = Pick<BookingDeps, 'reservations' | 'cache' | 'clock' | 'newId'> & {
  cars: Pick<CarRepository, 'get'>;
  upcoming: ReservationsOfCar;
};

/**
 * Admins take a car out of service for some days (repairs, servicing): it can be neither booked nor
 * found for them. Written like a booking (a block on the car's calendar, conditional on the calendar
 * it was judged free on) so a booking racing with it loses one way or the other.
 *
 * With an Idempotency-Key (a retry after a timeout), the same key, car, days and reason from the same
 * admin answer with the block the first attempt made, writing nothing; the same key with another block
 * is refused (422). A retry after that block was removed is a 409: it is not silently made again.
 */
export const addMaintenanceBlock = async (
  deps: MaintenanceDeps,
  carId: string,
  period: Period,
  reason: string,
  request: AdminRequest = {},
): Promise<MaintenanceBlock> => {
  const now = deps.clock.now();
  const problems = periodProblems(period, now, MAX_BLOCK_DAYS);
  if (problems.length) throw validationError(problems.map((p) => ({ field: `body.${p.field}`, message: p.message })));
  const wanted = dayInterval(period);
  const block: MaintenanceBlock = { id: deps.newId(), kind: 'maintenance', ...wanted, from: period.startDate, to: period.endDate, reason };
  // Tagged, so the same admin's key on a booking request (same table, same claim keys) never matches.
  const claim = adminClaim(request, requestHash('block', carId, period.startDate, period.endDate, reason), now.getTime());
  const answerEarlier = (earlier: { blockId: string; fingerprint: string; standing: boolean }): MaintenanceBlock => {
    if (earlier.fingerprint !== claim?.fingerprint) throw keyReused('car block');
    if (!earlier.standing) {
      throw conflict('The block this Idempotency-Key made was removed since; use a new key to block these days again.', {
        blockId: earlier.blockId,
      });
    }
    // The same body: the earlier block is this one under its own id.
    return { ...block, id: earlier.blockId };
  };
  for (let read = 0; read < MAX_STALE_READS; read++) {
    // Strongly after a change under us; the first read need not be (the write's condition decides).
    const car = await activeCar(deps, carId, read > 0);
    if (!isFreeFor(car.blocks, wanted, now.getTime())) {
      // A retry of a request that landed finds its own block in the way: it answers with that block.
      const earlier = claim && (await deps.reservations.earlierBlock(carId, claim, now));
      if (earlier) return answerEarlier(earlier);
      const overlapping = (await deps.upcoming.upcoming(carId, now)).filter((r) => occupies(carIntervalOf(r), wanted));
      throw conflict(
        overlapping.length
          ? 'Reservations hold the car on some of these days; cancel them first or choose other days.'
          : 'Another block takes the car on some of these days.',
        { reservations: overlapping },
      );
    }
    // Announced first, so no search answered after the block is written shows the car free (FleetCache);
    // the announcement goes after the write, written or not.
    await deps.cache.calendarChanging(carId, block);
    let blocked = false;
    try {
      const outcome = await deps.reservations.block(car, block, now, claim);
      blocked = outcome.blocked;
      if ('claimed' in outcome) return answerEarlier(outcome.claimed);
    } finally {
      await deps.cache.calendarChanged(car.location, carId, blocked ? block : undefined, true);
    }
    if (blocked) return block;
  }
  throw conflict('Bookings of this car keep changing its calendar; read the car again and retry.');
};

/** Removes a block, on the calendar as read (strongly after a change under it), like every write that prunes it. */
export const removeMaintenanceBlock = async (deps: MaintenanceDeps, carId: string, blockId: string): Promise<void> => {
  for (let read = 0; read < MAX_STALE_READS; read++) {
    const car = await activeCar(deps, carId, read > 0);
    const block = car.blocks.find((b): b is MaintenanceBlock => b.id === blockId && b.kind === 'maintenance');
    if (!block) throw notFound(`Block ${blockId}`);
    if (await deps.reservations.unblock(car, block, deps.clock.now())) {
      await deps.cache.calendarChanged(car.location, carId, block);
      return;
    }
  }
  throw conflict('Bookings of this car keep changing its calendar; retry in a moment.');
};
