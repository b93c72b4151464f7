import { conflict, notFound } from '../../shared/errors';
import { logger } from '../../shared/logger';
import type { BookingEvent, BookingEventType } from './notifications';
import {
  confirmedDueMs,
  DECIDE_WITHIN_MS,
  HANDOVER_CLAIM_MS,
  noShowMs,
  noShowRefund,
  pickupMs,
  REMINDER_BEFORE_MS,
  RESEND_AFTER_MS,
  refundFor,
  returnMs,
} from './policy';
import type { BookingDeps } from './ports';
import { holdsCar, intervalOf, type Reservation } from './reservation';

/** Who is asking: owners see and act on their own reservations, admins on every one. */
export interface Actor {
  userId: string;
  /** Acts as admin: decided at the edge by the one rule (group and MFA, http/principal.ts actsAs). */
  isAdmin: boolean;
}

/** The reservation if the actor may see it; 404 otherwise, so ids of others cannot be probed. */
export const reservationFor = async (
  deps: Pick<BookingDeps, 'reservations'>,
  actor: Actor,
  reservationId: string,
): Promise<Reservation> => {
  const reservation = await deps.reservations.get(reservationId);
  if (!reservation || (!actor.isAdmin && reservation.userId !== actor.userId)) throw notFound(`Reservation ${reservationId}`);
  return reservation;
};

/** Publishes a booking event of the reservation as it is after the change (the counter's hand-overs tell through it too). */
export const tell = (deps: Pick<BookingDeps, 'notifier'>, type: BookingEventType, reservation: Reservation, now: Date) =>
  deps.notifier.publish({ type, reservation, at: now.toISOString() } satisfies BookingEvent);

/** The 409 of a change the reservation's status does not allow, with that status. */
export const refuseTransition = (reservation: Reservation, action: string) =>
  conflict(`A ${reservation.status} reservation cannot be ${action}.`, { status: reservation.status });

/** Changes of state race with the worker, the sweeper and other clients: re-read and decide again, a few times. */
const ATTEMPTS = 3;

/**
 * Cancels a reservation (its owner or an admin): frees its days at once, and records the refund the
 * policy gives (`refundFor`: in full when an admin cancels for a customer), which the payments
 * capability carries out from the published event.
 */
export type LifecycleDeps = Pick<BookingDeps, 'reservations' | 'cache' | 'notifier' | 'clock'>;

/** After a write of the reservation's block on its car: search reads that car's calendar afresh. */
const calendarChanged = (deps: LifecycleDeps, r: Reservation) => deps.cache.calendarChanged(r.car.location, r.carId, intervalOf(r));

export const cancelReservation = async (deps: LifecycleDeps, actor: Actor, reservationId: string): Promise<Reservation> => {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const reservation = await reservationFor(deps, actor, reservationId);
    const now = deps.clock.now();
    if (reservation.status === 'Pending' && !holdsCar(reservation, now.getTime())) {
      // The hold lapsed before the cancel: the reservation is over already; record it as such.
      await expireReservation(deps, reservation);
      throw refuseTransition({ ...reservation, status: 'Expired' }, 'cancelled');
    }
    if (!['Requested', 'Pending', 'Confirmed'].includes(reservation.status)) throw refuseTransition(reservation, 'cancelled');
    // Only money paid comes back: a Confirmed reservation was paid for. An admin cancelling someone
    // else's reservation charges no late-cancellation penalty (policy.ts, refundFor).
    const by = actor.isAdmin && reservation.userId !== actor.userId ? 'admin' : 'customer';
    const refund = reservation.status === 'Confirmed' ? refundFor(reservation, now, by) : undefined;
    if (await deps.reservations.cancel(reservation, refund, now)) {
      const cancelled: Reservation = {
        ...reservation,
        status: 'Cancelled',
        refund,
        holdExpiresAt: undefined,
        updatedAt: now.toISOString(),
      };
      if (reservation.status !== 'Requested') await calendarChanged(deps, reservation);
      await tell(deps, 'ReservationCancelled', cancelled, now);
      return cancelled;
    }
  }
  throw conflict('The reservation is changing right now; retry.');
};

/**
 * Payments' hook: a Pending reservation whose hold is still live becomes Confirmed, and its hold
 * becomes a booking on the car and the day locks. False when the hold lapsed or the state moved on (the
 * caller then refunds).
 */
export const confirmReservation = async (deps: LifecycleDeps, reservationId: string): Promise<boolean> => {
  const reservation = await deps.reservations.get(reservationId);
  if (!reservation) throw notFound(`Reservation ${reservationId}`);
  const now = deps.clock.now();
  if (reservation.status === 'Confirmed') return true;
  if (!holdsCar(reservation, now.getTime())) return false;
  const confirmed: Reservation = { ...reservation, status: 'Confirmed', holdExpiresAt: undefined, updatedAt: now.toISOString() };
  if (!(await deps.reservations.confirm(reservation, now, confirmedDueMs(confirmed)))) return false;
  await calendarChanged(deps, reservation);
  await tell(deps, 'ReservationConfirmed', confirmed, now);
  return true;
};

/** A Pending reservation whose hold lapsed becomes Expired and its days are free (they already were to new bookings). */
export const expireReservation = async (deps: LifecycleDeps, reservation: Reservation): Promise<boolean> => {
  const now = deps.clock.now();
  if (reservation.status !== 'Pending' || holdsCar(reservation, now.getTime())) return false;
  if (!(await deps.reservations.expire(reservation, now))) return false;
  await calendarChanged(deps, reservation);
  await tell(deps, 'ReservationExpired', { ...reservation, status: 'Expired', updatedAt: now.toISOString() }, now);
  return true;
};

/**
 * A v2 rental nobody picked up by its deadline becomes a no-show: the car and the extras are free for
 * the rest of its time, the terms' fee is kept and the rest given back (payments acts on the event).
 * False when it moved on meanwhile, or an agent's pick-up holds it (it is looked at again next run).
 */
export const markNoShow = async (deps: LifecycleDeps, r: Reservation, now: Date): Promise<boolean> => {
  if (r.status !== 'Confirmed' || !r.pickupAt || now.getTime() < noShowMs(r)) return false;
  const refund = noShowRefund(r);
  if (!(await deps.reservations.noShow(r, refund, now, new Date(now.getTime() - HANDOVER_CLAIM_MS).toISOString()))) return false;
  await calendarChanged(deps, r);
  await tell(deps, 'ReservationNoShow', { ...r, status: 'NoShow', refund, updatedAt: now.toISOString() }, now);
  return true;
};

export interface SweepReport {
  resent: number;
  rejected: number;
  expired: number;
  reminded: number;
  completed: number;
  noShows: number;
}

/** Batches one sweeper run reads at most (it stops earlier once a batch has nothing new). */
const MAX_SWEEP_BATCHES = 10;

/**
 * The scheduled sweeper: reads the reservations whose deadline passed (a sparse index, never the
 * table) and moves each on. Requested ones are sent to the queue again (a lost message) and rejected
 * when too old; lapsed holds expire; Confirmed ones get their pick-up reminder, then complete after
 * the return day. Correctness never waits for it: a lapsed hold stops blocking the car at its deadline.
 *
 * One run reads batch after batch until the due index has nothing it has not already looked at (a
 * reservation it could not move on stays due, and is left to the next run), so a backlog larger than
 * one batch is cleared in one run instead of `batch` reservations a minute.
 */
export const sweepReservations = async (deps: LifecycleDeps & Pick<BookingDeps, 'queue'>, batch = 100): Promise<SweepReport> => {
  const report: SweepReport = { resent: 0, rejected: 0, expired: 0, reminded: 0, completed: 0, noShows: 0 };
  const now = deps.clock.now();
  const seen = new Set<string>();
  for (let round = 0; round < MAX_SWEEP_BATCHES; round++) {
    const fresh = (await deps.reservations.due(now, batch)).filter((r) => !seen.has(r.reservationId));
    if (fresh.length === 0) break;
    for (const reservation of fresh) {
      seen.add(reservation.reservationId);
      try {
        await sweepOne(deps, reservation, now, report);
      } catch (err) {
        // One bad reservation must not stop the others; it is due again at the next run.
        logger.error('sweeper could not move a reservation on', { reservationId: reservation.reservationId, error: err as Error });
      }
    }
  }
  // A request's first look is a minute after its hold would lapse had it been decided at once
  // (policy.ts firstLookMs), so a hold does not have to move it in the index. The holds that have
  // lapsed by now are therefore due within that minute: looked at one minute ahead, they expire now.
  const ahead = await deps.reservations.due(new Date(now.getTime() + RESEND_AFTER_MS), batch);
  for (const reservation of ahead) {
    if (seen.has(reservation.reservationId) || reservation.status !== 'Pending' || holdsCar(reservation, now.getTime())) continue;
    try {
      if (await expireReservation(deps, reservation)) report.expired++;
    } catch (err) {
      logger.error('sweeper could not expire a lapsed hold', { reservationId: reservation.reservationId, error: err as Error });
    }
  }
  return report;
};

const sweepOne = async (deps: LifecycleDeps & Pick<BookingDeps, 'queue'>, r: Reservation, now: Date, report: SweepReport) => {
  const t = now.getTime();
  switch (r.status) {
    case 'Requested':
      if (t - Date.parse(r.createdAt) >= DECIDE_WITHIN_MS) {
        if (await deps.reservations.reject(r, 'NOT_DECIDED', now)) {
          report.rejected++;
          await tell(deps, 'ReservationRejected', { ...r, status: 'Rejected', reason: 'NOT_DECIDED' }, now);
        }
      } else {
        await deps.queue.send({ reservationId: r.reservationId, carId: r.carId });
        await deps.reservations.postpone(r, t + RESEND_AFTER_MS);
        report.resent++;
      }
      return;
    case 'Pending':
      if (await expireReservation(deps, r)) report.expired++;
      else if (r.holdExpiresAt !== undefined) await deps.reservations.postpone(r, r.holdExpiresAt);
      return;
    case 'Confirmed':
      if (r.pickupAt && t >= noShowMs(r)) {
        // A v2 rental ends Confirmed only as a no-show (an agent's pick-up makes it Active first).
        if (await markNoShow(deps, r, now)) report.noShows++;
      } else if (!r.pickupAt && t >= returnMs(r)) {
        if (await deps.reservations.complete(r, now)) {
          report.completed++;
          await calendarChanged(deps, r);
        }
      } else if (!r.remindedAt && t >= pickupMs(r) - REMINDER_BEFORE_MS) {
        const reminded = { ...r, remindedAt: now.toISOString() };
        await tell(deps, 'PickupReminder', reminded, now);
        await deps.reservations.reminded(r, now, confirmedDueMs(reminded));
        report.reminded++;
      } else {
        await deps.reservations.postpone(r, confirmedDueMs(r));
      }
      return;
    default:
      // A final state still in the due index (an interrupted write): take it out.
      await deps.reservations.postpone(r, undefined);
  }
};
