import type { Period } from './period';

/**
 * Availability as intervals of time. A booking takes the car from pick-up until it is ready again:
 * its return plus the location's turnaround (cleaning). Both ends are epoch ms and the interval is
 * half-open, so a car returned at 10:00 with a 60-minute turnaround (ready 11:00) can go out at 11:00,
 * not at 10:30. One rule (`occupies`) serves search, booking, maintenance blocks and the fleet's 409s.
 *
 * A v1 period of days is the interval between 00:00 UTC of its first day and 00:00 UTC of its return
 * day (v1 has always said its days are UTC calendar days); a v1 booking absorbs the turnaround into its
 * last day, so back-to-back v1 bookings still fit, as they always did.
 */
export interface Interval {
  /** Pick-up (or the start of a block). */
  fromMs: number;
  /** When the car can go out again: return plus turnaround (or the end of a block). */
  readyMs: number;
}

/** THE interval rule: two half-open intervals overlap when each starts before the other ends. */
export const occupies = (a: Interval, b: Interval): boolean => a.fromMs < b.readyMs && b.fromMs < a.readyMs;

const DAY_MS = 86_400_000;
const utcDayMs = (date: string): number => Date.parse(`${date}T00:00:00Z`);

/** A v1 period of UTC days as an interval (see above). */
export const dayInterval = (period: Period): Interval => ({ fromMs: utcDayMs(period.startDate), readyMs: utcDayMs(period.endDate) });

/** The UTC days an interval touches, as a v1 period (its last day exclusive): for v1 views of v2 bookings. */
export const periodOf = (interval: Interval): Period => ({
  startDate: new Date(interval.fromMs).toISOString().slice(0, 10),
  endDate: new Date(Math.ceil(interval.readyMs / DAY_MS) * DAY_MS).toISOString().slice(0, 10),
});

/**
 * The most that is in use at any one instant of `within`, each interval counting its `weight` (1 when
 * left out): for "at most N at once" rules (a customer's overlapping bookings, a location's child
 * seats). The busiest instant is always the start of one of them or of `within`, so only those are tried.
 */
export const peakWithin = (intervals: ReadonlyArray<Interval & { weight?: number }>, within: Interval): number => {
  const inside = intervals.filter((i) => occupies(i, within));
  const starts = [within.fromMs, ...inside.map((i) => i.fromMs)].filter((t) => t >= within.fromMs && t < within.readyMs);
  const at = (t: number) => inside.filter((i) => i.fromMs <= t && t < i.readyMs).reduce((n, i) => n + (i.weight ?? 1), 0);
  return Math.max(0, ...starts.map(at));
};
