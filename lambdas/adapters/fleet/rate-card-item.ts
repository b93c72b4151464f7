import type { RateCard } from '../../domain/pricing/rules';

/**
 * A car's own rate card as its item stores it (attribute `rates`). The car item is rewritten by every
 * booking and projected whole into the search index, so its bytes are paid on every hold: one-letter
 * names keep a full card near 40 bytes instead of 100.
 *   c currency   d dailyMinor   w weeklyDailyMinor   m monthlyDailyMinor   h hourlyMinor
 */
export interface StoredRateCard {
  c: string;
  d: number;
  w?: number;
  m?: number;
  h?: number;
}

export const toStoredRateCard = (rates: RateCard): StoredRateCard => ({
  c: rates.currency,
  d: rates.dailyMinor,
  ...(rates.weeklyDailyMinor !== undefined ? { w: rates.weeklyDailyMinor } : {}),
  ...(rates.monthlyDailyMinor !== undefined ? { m: rates.monthlyDailyMinor } : {}),
  ...(rates.hourlyMinor !== undefined ? { h: rates.hourlyMinor } : {}),
});

/** The card of a car item's `rates`, or undefined when it has none. */
export const fromStoredRateCard = (stored: unknown): RateCard | undefined => {
  if (!stored || typeof stored !== 'object') return undefined;
  const { c, d, w, m, h } = stored as Partial<StoredRateCard>;
  if (typeof c !== 'string' || typeof d !== 'number') return undefined;
  return {
    currency: c,
    dailyMinor: d,
    ...(w !== undefined ? { weeklyDailyMinor: Number(w) } : {}),
    ...(m !== undefined ? { monthlyDailyMinor: Number(m) } : {}),
    ...(h !== undefined ? { hourlyMinor: Number(h) } : {}),
  };
};
