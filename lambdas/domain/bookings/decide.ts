import { logger } from '../../shared/logger';
import { metrics } from '../../shared/observability';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { blockersOf, holdsCar, isOwnBlock } from '../fleet/availability';
import { stockFits, type StockCalendar } from '../fleet/stock';
import type { Car } from '../fleet/car';
import { DECIDE_WITHIN_MS } from './policy';
import type { BookingDeps, HoldOutcome } from './ports';
import { carIntervalOf, intervalOf, type RejectionReason, type Reservation } from './reservation';

/** Long enough for one decision; short enough that a crashed decider does not stall its car for long. */
const LOCK_TTL_MS = 5_000;
const LOCK_WAIT_MS = 2_000;

export type Decision = 'held' | RejectionReason | 'alreadyDecided' | 'unknown';

/**
 * The booking worker's decision for one queued request. Correctness is DynamoDB's: the hold is a write
 * of the car's calendar conditional on it being the one the interval was judged free on (optimistic
 * locking on `blocksVersion`: lapsed holds never block) and on the car being active where it was
 * priced; the reservation then follows, conditional on still being a request. A conflict is a decision
 * (Rejected with its reason), never a retry; a redelivered message finds the reservation decided and
 * changes nothing, or finds its hold on the car and completes it. The Redis lock on the car only keeps deciders of one car from colliding; when Redis
 * is down the worker decides without it and says so. An unreachable dependency throws, so the message
 * is retried (and after the queue's receive limit lands in the dead-letter queue).
 */
export type DeciderDeps = Omit<BookingDeps, 'queue' | 'newId'>;

export const decideBooking = async (deps: DeciderDeps, reservationId: string): Promise<Decision> => {
  const reservation = await deps.reservations.get(reservationId);
  if (!reservation) {
    logger.warn('booking request for an unknown reservation (discarded after a failed send?); dropped', { reservationId });
    return 'unknown';
  }
  if (reservation.status !== 'Requested') return 'alreadyDecided';

  const lock = await deps.locks.acquire(reservation.carId, LOCK_TTL_MS, LOCK_WAIT_MS);
  if (lock === 'unavailable') {
    logger.warn('Redis is unavailable: deciding without the car lock (DynamoDB conditions still decide)', { carId: reservation.carId });
    metrics.addMetric('BookingLockUnavailable', MetricUnit.Count, 1);
  } else if (lock === 'busy') {
    logger.info('car lock still busy after waiting: deciding anyway (DynamoDB conditions decide)', { carId: reservation.carId });
  }
  try {
    const decision = await decideHeld(deps, reservation);
    metrics.addMetric(decision === 'held' ? 'BookingHeld' : 'BookingRejected', MetricUnit.Count, decision === 'alreadyDecided' ? 0 : 1);
    return decision;
  } finally {
    if (typeof lock === 'object') await lock.release();
  }
};

/** A calendar that keeps changing under the decision (deciders racing without the lock): give up, the message is retried. */
const MAX_STALE_READS = 10;

/** Why a car cannot be held for a reservation right now, judged on the car as read; nothing if it can. */
export const refusalOf = (car: Car | undefined, reservation: Reservation, nowMs: number): RejectionReason | undefined => {
  if (!car || car.status !== 'active' || car.location !== reservation.car.location) return 'CAR_UNAVAILABLE';
  const others = car.blocks.filter((block) => !isOwnBlock(block.id, reservation.reservationId));
  const blockers = blockersOf(others, carIntervalOf(reservation), nowMs);
  if (blockers.length === 0) return undefined;
  return blockers.some((block) => block.kind === 'maintenance') ? 'CAR_BLOCKED' : 'CAR_TAKEN';
};

/**
 * The hold's write, announced to the search cache just before it and settled just after (held or not),
 * so a search answered after the client saw the reservation Pending never shows the car for its time:
 * no staleness window (FleetCache.calendarChanging). Only the write is announced, not the reads before
 * it: meanwhile searches judge the car on its cached calendar with the hold's time taken (held yet or
 * not). A decider that dies in between leaves the announcement to lapse (30 s, the car not shown for
 * that time meanwhile).
 */
const announced = async (deps: DeciderDeps, reservation: Reservation, hold: () => Promise<HoldOutcome>): Promise<HoldOutcome> => {
  await deps.cache.calendarChanging(reservation.carId, carIntervalOf(reservation));
  let held = false;
  try {
    const outcome = await hold();
    held = outcome.kind === 'held';
    return outcome;
  } finally {
    await deps.cache.calendarChanged(reservation.car.location, reservation.carId, held ? intervalOf(reservation) : undefined, true);
  }
};

/**
 * Reads the car's calendar strongly, judges the interval on it (`occupies`, turnaround included), and
 * writes the hold conditional on that calendar being unchanged: a change in between (another hold, a
 * cancel, a block) makes it read and judge again.
 */
const holdOrRefuse = async (
  deps: DeciderDeps,
  reservation: Reservation,
  now: Date,
): Promise<{ outcome: HoldOutcome; holdExpiresAt: number }> => {
  const nowMs = now.getTime();
  const requestedAfter = new Date(nowMs - DECIDE_WITHIN_MS).toISOString();
  for (let read = 0; read < MAX_STALE_READS; read++) {
    const car = await deps.cars.get(reservation.carId, true);
    const refusal = refusalOf(car, reservation, nowMs);
    if (refusal) return { outcome: { kind: 'rejected', reason: refusal }, holdExpiresAt: 0 };
    // An earlier attempt at this decision (a redelivered message, a crash in between) that put the hold
    // on the car made this decision: its hold is kept as it is, so the car and the reservation agree.
    const earlier = car!.blocks.find((b) => b.id === reservation.reservationId && b.kind === 'reservation' && holdsCar(b, nowMs));
    const holdExpiresAt = earlier?.kind === 'reservation' && earlier.holdExpiresAt ? earlier.holdExpiresAt : nowMs + deps.holdMs;
    // Its stocked extras, judged the same way (the earlier attempt's hold took them with the car).
    const stock = earlier ? [] : await stockFor(deps, reservation, nowMs);
    if (stock === 'short') return { outcome: { kind: 'rejected', reason: 'EXTRA_UNAVAILABLE' }, holdExpiresAt: 0 };
    const terms = { expiresAt: holdExpiresAt, onCar: earlier !== undefined, requestedAfter, stock };
    const outcome = await announced(deps, reservation, () => deps.reservations.hold(reservation, car!, terms, now));
    if (outcome.kind !== 'stale') return { outcome, holdExpiresAt };
  }
  // Thrown, so the queue delivers the message again: a later decision, never a wrong one.
  throw new Error(`The calendar of car ${reservation.carId} kept changing; the request is decided on a retry.`);
};

/**
 * The stock calendars of a reservation's stocked extras, read strongly, or 'short' when one of them
 * has not enough left over its interval (a location that no longer offers the extra has none).
 */
const stockFor = async (deps: DeciderDeps, reservation: Reservation, nowMs: number): Promise<StockCalendar[] | 'short'> => {
  const stocked = (reservation.extras ?? []).filter((e) => e.stocked);
  if (stocked.length === 0) return [];
  if (!deps.stock) throw new Error('A request with stocked extras needs the extras stock (deps.stock).');
  const stock = deps.stock;
  const location = reservation.car.location;
  const [counts, calendars] = await Promise.all([
    stock.counts(location),
    Promise.all(stocked.map((extra) => stock.calendar(location, extra.code))),
  ]);
  const short = stocked.some(
    (extra, i) =>
      !stockFits(calendars[i], intervalOf(reservation), extra.quantity, counts[extra.code] ?? 0, nowMs, reservation.reservationId),
  );
  return short ? 'short' : calendars;
};

const decideHeld = async (deps: DeciderDeps, reservation: Reservation): Promise<Decision> => {
  const now = deps.clock.now();
  const { outcome, holdExpiresAt } = await holdOrRefuse(deps, reservation, now);

  if (outcome.kind === 'alreadyDecided') return 'alreadyDecided';
  if (outcome.kind === 'rejected') {
    if (!(await deps.reservations.reject(reservation, outcome.reason, now))) return 'alreadyDecided';
    await deps.notifier.publish({
      type: 'ReservationRejected',
      reservation: { ...reservation, status: 'Rejected', reason: outcome.reason },
      at: now.toISOString(),
    });
    return outcome.reason;
  }
  const held: Reservation = { ...reservation, status: 'Pending', holdExpiresAt, updatedAt: now.toISOString() };
  await deps.notifier.publish({ type: 'ReservationHeld', reservation: held, at: now.toISOString() });
  return 'held';
};
