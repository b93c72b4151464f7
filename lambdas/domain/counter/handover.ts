import type { Clock } from '../../shared/clock';
import { conflict, forbidden, notFound, validationError } from '../../shared/errors';
import { refuseTransition, tell } from '../bookings/lifecycle';
import type { Notifier } from '../bookings/notifications';
import { HANDOVER_CLAIM_MS, noShowMs, PICKUP_OPENS_BEFORE_MS, pickupMs, returnMs } from '../bookings/policy';
import type { CarMove, ReservationStore } from '../bookings/ports';
import { intervalOf, type CarCondition, type Damage, type Handover, type Reservation } from '../bookings/reservation';
import type { LocationCode } from '../fleet/catalog';
import type { CarRepository, FleetCache } from '../fleet/ports';
import { sumMinor } from '../pricing/lines';
import { mayActAt, type CounterActor } from './actor';
import { returnCharges } from './charges';
import { checkRentalPhotos, type RentalPhotos } from './photos';
import type { CounterMoney, PaymentSource } from './ports';
import { rentalTermsOf } from './terms';

/**
 * The counter (issue 20): an agent hands a v2 rental's car over (Confirmed -> Active) and takes it back
 * (Active -> Completed, with the return's charges and a receipt). Each hand-over first claims the
 * reservation with the agent's record (so no cancel, no no-show sweep and no second agent can move it
 * while its money is taken), then takes the money (once-only per reservation: CounterMoney), then
 * changes state conditional on that claim. A retry by the same agent resumes its own claim; a claim left
 * by a crash yields after HANDOVER_CLAIM_MS.
 */
export interface CounterDeps {
  reservations: ReservationStore;
  cars: Pick<CarRepository, 'get'>;
  cache: Pick<FleetCache, 'calendarChanged' | 'invalidateLocation'>;
  notifier: Notifier;
  clock: Clock;
  money: CounterMoney;
  /** The photo keys issued for each rental (only read when a hand-over lists photos). */
  photos: Pick<RentalPhotos, 'issued'>;
}

export interface PickupInput extends CarCondition {
  notes?: string;
  photos?: string[];
  /** The card the deposit is authorised on (the customer's, taken at the counter). */
  deposit?: PaymentSource;
}

export interface ReturnInput extends CarCondition {
  notes?: string;
  photos?: string[];
  damages?: Damage[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Where the car is handed back: a one-way rental's return location, or where it was picked up. */
export const returnLocationOf = (r: Pick<Reservation, 'returnLocation' | 'car'>): LocationCode => r.returnLocation ?? r.car.location;

/** The reservation, if it is a v2 rental the actor may hand over at `where` (its pick-up or return location, or either). */
export const atTheCounter = async (
  deps: Pick<CounterDeps, 'reservations'>,
  actor: CounterActor,
  reservationId: string,
  where: (r: Reservation) => LocationCode | LocationCode[],
): Promise<Reservation> => {
  const r = await deps.reservations.get(reservationId);
  if (!r) throw notFound(`Reservation ${reservationId}`);
  const locations = [...new Set([where(r)].flat())];
  if (!locations.some((location) => mayActAt(actor, location))) {
    throw forbidden(`You are not an agent at ${locations.join(' or ')}, where this car is handed over.`);
  }
  if (!r.pickupAt) {
    throw conflict(
      'A v1 reservation (whole days) is not handed over at the counter: it completes after its return day.',
      undefined,
      'NOT_A_COUNTER_RENTAL',
    );
  }
  return r;
};

const busy = () => conflict('Another agent is handing this car over right now.', undefined, 'HANDOVER_IN_PROGRESS');

/** The actor's own claim from an earlier attempt that is still fresh: a retry resumes it. */
const ownFreshClaim = (claim: Handover | undefined, actor: CounterActor, nowMs: number): claim is Handover =>
  claim !== undefined && claim.by === actor.userId && Date.parse(claim.at) > nowMs - HANDOVER_CLAIM_MS;

const withOptional = <T extends object>(base: T, extra: Record<string, unknown>) =>
  Object.assign(
    base,
    Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))),
  );

/**
 * POST /v2/reservations/{id}/pickup: from an hour before the pick-up time until the no-show deadline.
 * Authorises the deposit (and captures a pay-at-pick-up rental's price), then the rental is Active.
 * A repeat after it is Active answers the rental as it is.
 */
export const pickUpRental = async (
  deps: CounterDeps,
  actor: CounterActor,
  reservationId: string,
  input: PickupInput,
): Promise<Reservation> => {
  const now = deps.clock.now();
  const nowMs = now.getTime();
  const r = await atTheCounter(deps, actor, reservationId, (found) => found.car.location);
  if (r.status === 'Active' && r.pickup) return r;
  if (r.status !== 'Confirmed') throw refuseTransition(r, 'picked up');
  const opensMs = pickupMs(r) - PICKUP_OPENS_BEFORE_MS;
  if (nowMs < opensMs)
    throw conflict(`Pick-up opens at ${iso(opensMs)}, an hour before the pick-up time.`, { opensAt: iso(opensMs) }, 'PICKUP_NOT_OPEN');
  if (nowMs >= noShowMs(r)) {
    throw conflict(
      `The pick-up window closed at ${iso(noShowMs(r))}: this rental is a no-show.`,
      { closedAt: iso(noShowMs(r)) },
      'PICKUP_CLOSED',
    );
  }
  let pickup: Handover;
  if (ownFreshClaim(r.pickup, actor, nowMs)) pickup = r.pickup;
  else {
    await checkRentalPhotos(deps.photos, r.reservationId, input);
    pickup = withOptional(
      { by: actor.userId, at: now.toISOString(), location: r.car.location, odometerKm: input.odometerKm, fuelLevel: input.fuelLevel },
      { notes: input.notes, photos: input.photos },
    );
    if (!(await deps.reservations.claimPickup(r, pickup, iso(nowMs - HANDOVER_CLAIM_MS)))) throw await movedOn(deps, r, busy);
  }
  const claimed: Reservation = { ...r, pickup };
  try {
    await deps.money.pickup(claimed, { amountMinor: rentalTermsOf(r).depositMinor, source: input.deposit });
  } catch (err) {
    await deps.reservations.releasePickup(claimed);
    throw err;
  }
  if (!(await deps.reservations.startRental(claimed, now))) {
    // Cancelled or a no-show meanwhile (the claim had gone stale): its deposit goes back. Picked up by
    // another agent who took over a stale claim: theirs is the deposit now, and stays.
    const current = await deps.reservations.get(reservationId);
    if (current?.status !== 'Active') await deps.money.undoPickup(current ?? claimed);
    throw await movedOn(deps, r, busy);
  }
  const active: Reservation = { ...claimed, status: 'Active', updatedAt: now.toISOString() };
  await tell(deps, 'RentalStarted', active, now);
  return active;
};

/**
 * POST /v2/reservations/{id}/return, at the return location: the return's charges (late, fuel, mileage)
 * as quote lines, settled from the deposit; the rental is Completed, its car free after the turnaround
 * (a one-way rental's car now at the return location), and the receipt is emailed. A repeat after it
 * is Completed answers it as it is.
 */
export const returnRental = async (
  deps: CounterDeps,
  actor: CounterActor,
  reservationId: string,
  input: ReturnInput,
): Promise<Reservation> => {
  const now = deps.clock.now();
  const nowMs = now.getTime();
  const r = await atTheCounter(deps, actor, reservationId, returnLocationOf);
  if (r.status === 'Completed' && r.dropoff) return r;
  if (r.status !== 'Active' || !r.pickup) throw refuseTransition(r, 'returned');
  let { dropoff, charges } = r;
  if (!(ownFreshClaim(dropoff, actor, nowMs) && charges)) {
    if (input.odometerKm < r.pickup.odometerKm) {
      throw validationError([{ field: 'body.odometerKm', message: `Must be at least ${r.pickup.odometerKm}, the reading at pick-up.` }]);
    }
    await checkRentalPhotos(deps.photos, r.reservationId, input);
    dropoff = withOptional(
      { by: actor.userId, at: now.toISOString(), location: returnLocationOf(r), odometerKm: input.odometerKm, fuelLevel: input.fuelLevel },
      { notes: input.notes, photos: input.photos, damages: input.damages },
    );
    charges = returnCharges(
      { pickupMs: pickupMs(r), returnMs: returnMs(r), terms: rentalTermsOf(r), out: r.pickup },
      { odometerKm: input.odometerKm, fuelLevel: input.fuelLevel, atMs: nowMs },
    );
    if (!(await deps.reservations.claimReturn(r, dropoff, charges, iso(nowMs - HANDOVER_CLAIM_MS)))) throw await movedOn(deps, r, busy);
  }
  const claimed: Reservation = { ...r, dropoff, charges };
  const settlement = await deps.money.settleReturn(claimed, sumMinor(charges));
  const move = await carMove(deps, r);
  if (!(await deps.reservations.finishRental(claimed, settlement, now, move))) {
    const current = await deps.reservations.get(reservationId);
    if (current?.status === 'Completed') return current;
    throw await movedOn(deps, r, busy);
  }
  const completed: Reservation = { ...claimed, settlement, status: 'Completed', updatedAt: now.toISOString() };
  // Its calendar changed (the block ends a turnaround after the return); a one-way car is in the other
  // location's lists now, and out of the origin's.
  await deps.cache.calendarChanged(r.car.location, r.carId, intervalOf(r));
  if (move) await Promise.all([deps.cache.invalidateLocation(r.car.location), deps.cache.invalidateLocation(move.to)]);
  await tell(deps, 'RentalReturned', completed, now);
  return completed;
};

/** A one-way rental's car, moving to the return location with its return. */
const carMove = async (deps: Pick<CounterDeps, 'cars'>, r: Reservation): Promise<CarMove | undefined> => {
  if (!r.returnLocation || r.returnLocation === r.car.location) return undefined;
  const car = await deps.cars.get(r.carId);
  if (!car) throw notFound(`Car ${r.carId}`);
  return { car: { carId: car.carId, type: car.type, pricePerDayMinor: car.pricePerDayMinor }, to: r.returnLocation };
};

/** Why a conditional hand-over write did not land: the reservation moved on (409 with its status), or another claim holds it. */
const movedOn = async (deps: Pick<CounterDeps, 'reservations'>, r: Reservation, claimedByOther: () => Error): Promise<Error> => {
  const current = await deps.reservations.get(r.reservationId);
  return current && current.status !== r.status
    ? refuseTransition(current, r.status === 'Confirmed' ? 'picked up' : 'returned')
    : claimedByOther();
};
