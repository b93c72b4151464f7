import { daysBetween } from '../fleet/period';
import type { Refund, Reservation } from './reservation';

/** The booking rules in numbers, in one place (README "Booking"). */
export const DEFAULT_HOLD_MINUTES = 5;
/** How long the same user, car and dates (with no Idempotency-Key) name the same request: SQS's deduplication window. */
export const REQUEST_DEDUP_MS = 5 * 60_000;
/** A Requested reservation the sweeper finds undecided is sent to the queue again, then every this long... */
export const RESEND_AFTER_MS = 60_000;
/** ...and rejected after this, so no request is ever left undecided. */
export const DECIDE_WITHIN_MS = 15 * 60_000;
/**
 * When the sweeper first looks at a new request: once its hold, if decided within a minute (nearly
 * always, in a second), has lapsed. So the hold never has to move the reservation in the sweeper's
 * index (a write per booking): an unpaid hold expires within a minute of lapsing, a lost request's
 * message is sent again after this, and a hold decided later is looked at again at its expiry.
 */
export const firstLookMs = (requestedMs: number, holdMs: number): number => requestedMs + RESEND_AFTER_MS + holdMs;
/** Maintenance blocks: at most this many days at once. */
export const MAX_BLOCK_DAYS = 90;
/** The pick-up reminder is sent this long before pick-up. */
export const REMINDER_BEFORE_MS = 24 * 3_600_000;
/** Longest `Prefer: wait=N` honoured, in seconds. */
export const MAX_WAIT_SECONDS = 10;

/** A v2 booking's pick-up and return times; a v1 booking's are 00:00 UTC of its days (v1's days are UTC calendar days). */
export const pickupMs = (r: Pick<Reservation, 'startDate' | 'pickupAt'>): number => Date.parse(r.pickupAt ?? `${r.startDate}T00:00:00Z`);
export const returnMs = (r: Pick<Reservation, 'endDate' | 'returnAt'>): number => Date.parse(r.returnAt ?? `${r.endDate}T00:00:00Z`);

/**
 * Who cancels: the customer who booked (an admin cancelling their own reservation is one), or an admin
 * cancelling a customer's reservation for them.
 */
export type CancelledBy = 'customer' | 'admin';

/**
 * The refund policy. A customer cancelling gets everything paid back 48 hours or more before pick-up,
 * half of it after that, nothing once the rental has started. An admin cancelling a customer's
 * reservation refunds all of it, whenever it is: the late-cancellation penalty is for a customer's own
 * late change of plans, and an admin cancels for reasons the customer did not choose (a broken-down
 * car, a closed location, a customer's call to the counter).
 */
export const refundFor = (r: Pick<Reservation, 'startDate' | 'pickupAt' | 'price'>, now: Date, by: CancelledBy = 'customer'): Refund => {
  const before = pickupMs(r) - now.getTime();
  const percent = by === 'admin' || before >= 48 * 3_600_000 ? 100 : before > 0 ? 50 : 0;
  return { percent, amountMinor: Math.floor((r.price.totalMinor * percent) / 100) };
};

/** When the sweeper must next look at a Confirmed reservation: the reminder, then the return day. */
export const confirmedDueMs = (r: Pick<Reservation, 'startDate' | 'endDate' | 'pickupAt' | 'returnAt' | 'remindedAt'>): number =>
  r.remindedAt ? returnMs(r) : Math.min(pickupMs(r) - REMINDER_BEFORE_MS, returnMs(r));

export const rentalDays = (startDate: string, endDate: string): number => Math.round(daysBetween(startDate, endDate));
