import { dayInterval, type Interval } from '../fleet/interval';
import type { LocationCode } from '../fleet/catalog';
import type { QuoteLine } from '../pricing';
import type { QuotedExtra } from '../quotes/quote';

/**
 * A reservation's life cycle:
 *
 *   Requested --(worker: days free)--> Pending --(payment within the hold)--> Confirmed --(return day)--> Completed
 *       |                                 |                                       |
 *       +--(car taken/removed/blocked)--> Rejected   +--(hold lapsed)--> Expired   +--(customer/admin)--> Cancelled
 *
 * Requested, Pending and Confirmed can be cancelled. Only Pending with a live hold, and Confirmed, hold
 * the car (`holdsCar`): one rule for search, booking and the fleet's 409s.
 */
export const RESERVATION_STATUSES = ['Requested', 'Pending', 'Confirmed', 'Completed', 'Rejected', 'Expired', 'Cancelled'] as const;
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
  status === 'Completed' || status === 'Rejected' || status === 'Expired' || status === 'Cancelled';
