import { daysBetween } from '../fleet/period';
import { rentalTermsOf } from '../counter/terms';
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
/**
 * An agent's hand-over (pick-up or return), or a customer's change, claims the reservation while its
 * money is taken: no cancel, no no-show, no other hand-over or change meanwhile. A claim older than
 * this was left by a crash, and yields.
 */
export const HANDOVER_CLAIM_MS = 5 * 60_000;
/** How early before its pick-up time a car can be picked up (the counter's hand-over opens). */
export const PICKUP_OPENS_BEFORE_MS = 60 * 60_000;
/**
 * Pay at pick-up authorises the total when the booking is paid for, and the pick-up captures it. Card
 * authorisations last days (Stripe's online holds: 7), so the latest pick-up (the no-show deadline)
 * must fall within this of the booking; a rental further ahead is paid now. The margin leaves room for
 * the hour between booking and paying, and for clock differences with the gateway.
 */
export const PAY_AT_PICKUP_WITHIN_MS = 7 * 24 * 3_600_000 - 2 * 3_600_000;
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
export const refundFor = (
  r: Pick<Reservation, 'startDate' | 'pickupAt' | 'price' | 'keptMinor'>,
  now: Date,
  by: CancelledBy = 'customer',
): Refund => {
  const before = pickupMs(r) - now.getTime();
  const percent = by === 'admin' || before >= 48 * 3_600_000 ? 100 : before > 0 ? 50 : 0;
  const { totalMinor } = r.price;
  // What a change within the window locked in stays kept (changeKeeps); an admin refunds it all.
  const locked = by === 'admin' ? 0 : (r.keptMinor ?? 0);
  return { percent, amountMinor: Math.min(Math.floor((totalMinor * percent) / 100), totalMinor - locked) };
};

/**
 * A v2 rental not picked up by this instant is a no-show: its pick-up time plus its terms' minutes
 * (`rentalTermsOf`: the location's rules when booked; the defaults for a rental booked before the counter came).
 */
export const noShowMs = (r: Pick<Reservation, 'startDate' | 'pickupAt' | 'terms' | 'car' | 'price'>): number =>
  pickupMs(r) + rentalTermsOf(r).noShowAfterMinutes * 60_000;

/** A no-show keeps its terms' fee (at most the total) and gives the rest back. */
export const noShowRefund = (r: Pick<Reservation, 'price' | 'terms' | 'car'>): Refund => {
  const total = r.price.totalMinor;
  const kept = Math.min(total, rentalTermsOf(r).noShowFeeMinor);
  return { percent: total > 0 ? Math.round(((total - kept) * 100) / total) : 0, amountMinor: total - kept };
};

/**
 * When the sweeper must next look at a Confirmed reservation: the reminder, then the end of its
 * Confirmed life: v1's return day (it completes), v2's no-show deadline (an agent's pick-up makes it
 * Active before; otherwise it is a no-show).
 */
export const confirmedDueMs = (
  r: Pick<Reservation, 'startDate' | 'endDate' | 'pickupAt' | 'returnAt' | 'remindedAt' | 'terms' | 'car' | 'price'>,
): number => {
  const endMs = r.pickupAt ? noShowMs(r) : returnMs(r);
  return r.remindedAt ? endMs : Math.min(pickupMs(r) - REMINDER_BEFORE_MS, endMs);
};

export const rentalDays = (startDate: string, endDate: string): number => Math.round(daysBetween(startDate, endDate));

/**
 * A change made within the cancellation window keeps what a cancellation then would (`refundFor`): that
 * share is locked in (`keptMinor`), and the changed price never falls below it, the difference being the
 * change's fee (a CHANGE_FEE line). So no change, or run of changes, gives back more than cancelling at
 * once would, and a change that moves the pick-up out of the window does not make a later cancel free.
 * An admin's change locks nothing new. 48 hours or more before pick-up nothing is kept; once the car is
 * out, all of the price as it stands.
 */
export const changeKeeps = (
  r: Pick<Reservation, 'startDate' | 'pickupAt' | 'price' | 'keptMinor'>,
  pricedMinor: number,
  now: Date,
  by: CancelledBy,
): { keptMinor: number; feeMinor: number } => {
  const keepsNow = by === 'admin' ? 0 : r.price.totalMinor - refundFor(r, now, 'customer').amountMinor;
  const keptMinor = Math.max(r.keptMinor ?? 0, keepsNow);
  return { keptMinor, feeMinor: Math.max(0, keptMinor - pricedMinor) };
};
