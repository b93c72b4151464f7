import { MIN_RATING, STAR_VALUES } from '../fleet/car';

/**
 * A car's rating totals: how many visible reviews, the sum of their stars, and how many gave each star
 * (`stars[0]` is one star). The average is derived, never stored, so it cannot drift from the counts.
 */
export interface RatingTotals {
  count: number;
  total: number;
  stars: number[];
}

export const emptyTotals = (): RatingTotals => ({ count: 0, total: 0, stars: STAR_VALUES.map(() => 0) });

/** The change to a car's totals when one review's contribution goes from `before` to `after` (undefined: none). */
export const deltaOf = (before: number | undefined, after: number | undefined): RatingTotals => {
  const delta = emptyTotals();
  for (const [rating, sign] of [
    [before, -1],
    [after, 1],
  ] as const) {
    if (rating === undefined) continue;
    delta.count += sign;
    delta.total += sign * rating;
    delta.stars[rating - MIN_RATING] += sign;
  }
  return delta;
};

export const isZero = (t: RatingTotals): boolean => t.count === 0 && t.total === 0 && t.stars.every((n) => n === 0);

export const addTotals = (a: RatingTotals, b: RatingTotals): RatingTotals => ({
  count: a.count + b.count,
  total: a.total + b.total,
  stars: a.stars.map((n, i) => n + (b.stars[i] ?? 0)),
});

/** The totals of a set of contributions (the visible reviews' stars), as a rebuild computes them. */
export const totalsOf = (contributions: Array<number | undefined>): RatingTotals =>
  contributions.reduce<RatingTotals>((sum, c) => addTotals(sum, deltaOf(undefined, c)), emptyTotals());
