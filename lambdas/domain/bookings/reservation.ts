import { dayInterval, type Interval } from '../fleet/interval';
import type { LocationCode } from '../fleet/catalog';
import type { QuoteLine } from '../pricing';
import type { QuotedExtra } from '../quotes/quote';
import type { RentalTerms } from '../counter/terms';

/**
 * A reservation's life cycle:
 *
 *   Requested --(worker: days free)--> Pending --(payment within the hold)--> Confirmed --(v1: return day)--> Completed
 *       |                                 |                                   |    |
 *       +--(car taken/removed/blocked)--> Rejected   +--(hold lapsed)--> Expired   |    +--(customer/admin)--> Cancelled
 *                                                                                 |
 *   v2, at the counter:  Confirmed --(agent: pick-up)--> Active --(agent: return)--> Completed
 *                        Confirmed --(not picked up by the no-show deadline: sweeper)--> NoShow
 *   v2 changes (change.ts): Confirmed (times, extras) and Active (a later return) stay as they are, re-priced.
 *
 * Requested, Pending and Confirmed can be cancelled. Pending with a live hold, Confirmed and Active hold
 * the car (`holdsCar`): one rule for search, booking and the fleet's 409s.
 */
export const RESERVATION_STATUSES = [
  'Requested',
  'Pending',
  'Confirmed',
  'Active',
  'Completed',
  'Rejected',
  'Expired',
  'Cancelled',
  'NoShow',
] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

/** Why a request was refused by the worker (or the request path). */
export const REJECTION_REASONS = {
  CAR_TAKEN: 'The car is already booked for some of these days.',
  CAR_BLOCKED: 'The car is out of service for some of these days.',
  CAR_UNAVAILABLE: 'The car was removed from the fleet or moved to another location.',
  NOT_DECIDED: 'The request could not be processed in time; please book again.',
  EXTRA_UNAVAILABLE: 'Not enough of an extra you chose is left at the location for these times.',
} as const;
export type RejectionReason = keyof typeof REJECTION_REASONS;

/**
 * How a v2 rental is paid: now (the payment confirms it), or at pick-up (the payment authorises its total,
 * which confirms it, and the agent's pick-up captures it). Only a rental whose no-show deadline is within
 * the authorisation window can be paid at pick-up (counter/pay-at-pickup.ts).
 */
export const PAYMENT_OPTIONS = ['payNow', 'payAtPickup'] as const;
export type PaymentOption = (typeof PAYMENT_OPTIONS)[number];

/** The car's state as an agent records it at the counter. */
export interface CarCondition {
  odometerKm: number;
  /** Eighths of a tank, 0 to 8. */
  fuelLevel: number;
}

/** A hand-over: who (the agent's user id), when, the car's state, and what the agent noted. */
export interface Handover extends CarCondition {
  by: string;
  at: string;
  location: LocationCode;
  notes?: string;
  /** S3 keys of the check-out (or return) photos. */
  photos?: string[];
}

export interface Damage {
  description: string;
  photos?: string[];
}

/** What the return settled, for the receipt: in minor units of the rental's currency. */
export interface ReturnSettlement {
  /** The rental's price as paid (or captured at pick-up). */
  paidMinor: number;
  /** The return's lines summed (late, fuel, mileage). */
  chargesMinor: number;
  /** Taken now, from the deposit. */
  chargedNowMinor: number;
  /** The deposit released (nothing taken of it, or the rest after the charges). */
  releasedMinor: number;
  /** Charges above the deposit, still owed (collected by the branch). */
  outstandingMinor: number;
}

/** What a change (PATCH) makes of a reservation: its times, days, price, lines and extras. */
export type ChangedTerms = Required<Pick<Reservation, 'pickupAt' | 'returnAt' | 'readyAt' | 'lines'>> &
  Pick<Reservation, 'startDate' | 'endDate' | 'price' | 'extras' | 'keptMinor'>;

/**
 * A change under way (change.ts): claimed on the reservation while its car holds both the old and the
 * new interval (a second block, `changeBlockId`), so neither is free to others; the difference is charged, then the change lands (or is
 * undone) conditional on this claim. A claim older than CHANGE_CLAIM_MS is a crashed attempt's.
 */
export interface PendingChange {
  changeId: string;
  /** Who asked (the customer, or an admin acting for them). */
  by: string;
  at: string;
  to: ChangedTerms;
  /** The reservation has its new terms; what is left is the refund of a lower price. */
  landed?: true;
}

/** The price as quoted when the request was made: what the customer is charged. */
export interface PriceSnapshot {
  /** ISO 4217: v1 prices in USD; a v2 rental in its pick-up location's currency. */
  currency: string;
  dailyMinor: number;
  days: number;
  totalMinor: number;
}

/** The car as it was when booked, so history reads without the fleet (and survives car edits). */
export interface CarSnapshot {
  make: string;
  model: string;
  year: number;
  type: string;
  location: LocationCode;
}

export interface Refund {
  /** Share of the total refunded, 0 to 100 (the cancellation policy). */
  percent: number;
  amountMinor: number;
}

export interface Reservation {
  reservationId: string;
  userId: string;
  /** Where notifications go (the email of the token that made the request). */
  contactEmail?: string;
  carId: string;
  /** Pick-up day and return day (exclusive), `YYYY-MM-DD`: v1's period (for a v2 booking, the UTC days it touches). */
  startDate: string;
  endDate: string;
  /**
   * A v2 booking's times, ISO 8601 with the location's offset: pick-up, return, and when the car is
   * ready again (return plus the location's turnaround, fixed when booked). A v1 booking has none: its
   * interval is its days' (`intervalOf`).
   */
  pickupAt?: string;
  returnAt?: string;
  readyAt?: string;
  status: ReservationStatus;
  price: PriceSnapshot;
  car: CarSnapshot;
  /** v2, booked from a quote: the quote, and its lines as sold (they sum to `price.totalMinor`). */
  quoteId?: string;
  lines?: QuoteLine[];
  /** The extras booked; a `stocked` one takes one of the location's items per unit for the interval. */
  extras?: QuotedExtra[];
  /** A one-way rental's return location (the car moves there when it is returned). */
  returnLocation?: LocationCode;
  /** v2: how it is paid (payNow when left out). */
  paymentOption?: PaymentOption;
  /** v2: the counter's terms, fixed when booked (no-show, late return, fuel, mileage, deposit). */
  terms?: RentalTerms;
  /** A change under way (change.ts); gone once it lands or is undone. */
  change?: PendingChange;
  /** The changes that landed (their ids), so a retry of one that landed meanwhile knows it did. */
  changeIds?: string[];
  /**
   * What the cancellation policy keeps already (minor units): fixed by a change made within its window
   * (policy.ts `changeKeeps`), so no later change or cancel gives back more than a cancel then would have.
   */
  keptMinor?: number;
  /** Set at pick-up (Active). */
  pickup?: Handover;
  /** Set at the return (Completed at the counter). */
  dropoff?: Handover & { damages?: Damage[] };
  /** The return's charges as quote lines (LATE_RETURN, FUEL, MILEAGE), and how they were settled. */
  charges?: QuoteLine[];
  settlement?: ReturnSettlement;
  /** Epoch ms until which a Pending reservation holds the car. */
  holdExpiresAt?: number;
  reason?: RejectionReason;
  refund?: Refund;
  /** Set when a pick-up reminder was sent, so the sweeper sends it once. */
  remindedAt?: string;
  /** Set, in the same transaction that writes it, when the customer gave feedback on this rental. */
  feedbackId?: string;
  createdAt: string;
  updatedAt: string;
}

/** THE rule: does this reservation hold its car right now? (The car's calendar owns it: fleet/availability.ts.) */
export { holdsCar } from '../fleet/availability';

/** The time a reservation takes its car for: its v2 times, or its v1 days (availability.ts). */
export const intervalOf = (r: Pick<Reservation, 'startDate' | 'endDate' | 'pickupAt' | 'readyAt'>): Interval =>
  r.pickupAt && r.readyAt ? { fromMs: Date.parse(r.pickupAt), readyMs: Date.parse(r.readyAt) } : dayInterval(r);

/** States a reservation never leaves. */
export const isFinal = (status: ReservationStatus): boolean =>
  status === 'Completed' || status === 'Rejected' || status === 'Expired' || status === 'Cancelled' || status === 'NoShow';

/** Far enough ahead to be "until it is returned": the end of a one-way rental's hold at its origin. */
export const UNTIL_RETURNED_MS = Date.parse('9999-01-01T00:00:00Z');

/**
 * The time a reservation takes its CAR for, as the car's calendar keeps it. A one-way rental's car
 * leaves its location and does not come back: it stays taken there until the agent's return at the
 * other location moves it (so no later booking at the origin can take a car that has left). The
 * customer's own limits keep `intervalOf`, the rental's real times.
 */
export const carIntervalOf = (r: Pick<Reservation, 'startDate' | 'endDate' | 'pickupAt' | 'readyAt' | 'returnLocation'>): Interval => {
  const interval = intervalOf(r);
  return r.returnLocation ? { ...interval, readyMs: UNTIL_RETURNED_MS } : interval;
};
