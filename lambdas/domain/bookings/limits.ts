import { env } from '../../shared/config';
import { ENV } from '../../shared/env-names';
import { MAX_RENTAL_DAYS } from '../fleet/catalog';
import { occupies, peakWithin, type Interval } from '../fleet/interval';
import { periodProblems, todayUtc, type Period, type PeriodProblem } from '../fleet/period';

/**
 * What one customer may hold and book, so no customer can take a location's fleet out of sale (README
 * "Booking limits"). The numbers are configuration, read in one place (`bookingLimits`).
 */
export interface BookingLimits {
  /** Requests and unpaid holds a customer has open at once. */
  maxLiveHolds: number;
  /** The customer's requests, holds and bookings that may cover any one day. */
  maxOverlapping: number;
  /** The pick-up day is at most this many days after today. */
  horizonDays: number;
  /** Longest rental, in days (at most the v1 contract's 30). */
  maxRentalDays: number;
}

/**
 * Defaults: 3 open holds is enough to compare a few cars while paying for one; 2 cars on one day covers
 * a family or a replacement car, where 40 was hoarding; a year ahead is what rental companies sell (and
 * keeps every stored date far from any key-width limit); 30 days is the published longest rental.
 */
export const DEFAULT_BOOKING_LIMITS: BookingLimits = {
  maxLiveHolds: 3,
  maxOverlapping: 2,
  horizonDays: 365,
  maxRentalDays: MAX_RENTAL_DAYS,
};

/** The limits in force: each from its environment variable when set (a whole number, at least 1), else its default. */
export const bookingLimits = (): BookingLimits => {
  const read = (name: string, fallback: number, max = Number.MAX_SAFE_INTEGER) => Math.min(max, Math.max(1, env.int(name, fallback)));
  const d = DEFAULT_BOOKING_LIMITS;
  return {
    maxLiveHolds: read(ENV.maxLiveHolds, d.maxLiveHolds),
    maxOverlapping: read(ENV.maxOverlappingBookings, d.maxOverlapping),
    horizonDays: read(ENV.bookingHorizonDays, d.horizonDays),
    // Never above the 30 days the API publishes (and its response schema bounds).
    maxRentalDays: read(ENV.maxRentalDays, d.maxRentalDays, MAX_RENTAL_DAYS),
  };
};

/** The limits a rental's times are checked with (rental-time's names), so quotes and booking check the same. */
export const rentalLimits = (): { maxDays: number; horizonDays: number } => {
  const { maxRentalDays, horizonDays } = bookingLimits();
  return { maxDays: maxRentalDays, horizonDays };
};

const DAY_MS = 86_400_000;

/** The period checks of a booking: those of any period, with the longest rental, plus the horizon. */
export const bookingPeriodProblems = (period: Period, now: Date, limits: BookingLimits): PeriodProblem[] => {
  const problems = periodProblems(period, now, limits.maxRentalDays);
  const lastPickup = todayUtc(new Date(now.getTime() + limits.horizonDays * DAY_MS));
  if (period.startDate > lastPickup) {
    problems.push({
      field: 'startDate',
      message: `Bookings open at most ${limits.horizonDays} days ahead: pick up on ${lastPickup} or earlier.`,
    });
  }
  return problems;
};

/**
 * One of a customer's reservations as the limits count it: the interval it takes its car for (v1's
 * days are their UTC days' interval), and for a request or an unpaid hold `until` (epoch ms; a lapsed
 * hold stops counting at once, whether or not the sweeper has run); a confirmed booking (no `until`)
 * counts until its car is ready again.
 */
export interface CustomerUsage extends Interval {
  reservationId: string;
  until?: number;
}

export type LimitCode = 'HOLD_LIMIT_REACHED' | 'OVERLAP_LIMIT_REACHED';

export interface LimitRefusal {
  code: LimitCode;
  message: string;
  /** The customer's reservations that count against the limit. */
  reservationIds: string[];
}

/** Whether a usage still counts against the limits at `nowMs` (what has stopped counting may be forgotten). */
export const countsAt = (u: CustomerUsage, nowMs: number): boolean => (u.until === undefined ? u.readyMs > nowMs : u.until > nowMs);

/**
 * Why a customer with `usage` may not open a request for `wanted` now, or undefined when they may.
 * Overlap is judged on time (the one interval rule): v1's days are their UTC days' interval, so two
 * v1 requests count as they always did, and v2 rentals on one day at different hours do not overlap.
 */
export const limitRefusal = (
  usage: readonly CustomerUsage[],
  wanted: Interval,
  now: Date,
  limits: BookingLimits,
): LimitRefusal | undefined => {
  const nowMs = now.getTime();
  const live = usage.filter((u) => countsAt(u, nowMs));
  const holds = live.filter((u) => u.until !== undefined);
  if (holds.length >= limits.maxLiveHolds) {
    return {
      code: 'HOLD_LIMIT_REACHED',
      message: `You already have ${holds.length} open booking requests or unpaid holds (at most ${limits.maxLiveHolds}): pay for, cancel or let one lapse first.`,
      reservationIds: holds.map((u) => u.reservationId),
    };
  }
  const overlapping = live.filter((u) => occupies(u, wanted));
  const busiest = peakWithin(overlapping, wanted);
  if (busiest >= limits.maxOverlapping) {
    return {
      code: 'OVERLAP_LIMIT_REACHED',
      message: `You already have ${busiest} bookings on some of these days (at most ${limits.maxOverlapping} at once): choose other days or cancel one.`,
      reservationIds: overlapping.map((u) => u.reservationId),
    };
  }
  return undefined;
};
