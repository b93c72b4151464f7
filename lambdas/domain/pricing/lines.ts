import type { LineGroup } from './rules';

/**
 * A quote is a list of lines that sums exactly to its total. Every line's amount is its quantity times
 * its unit amount, both integers (minor units), so rounding happens once, where a unit is computed.
 */
export interface QuoteLine {
  /** BASE, DISCOUNT, SEASON, WEEKEND, ONE_WAY, EXTRA:<code>, YOUNG_DRIVER, FEE:<name>, TAX:<name>. */
  code: string;
  label: string;
  /** Billed days, hours, items, or 1. */
  quantity: number;
  /** Minor units per quantity (negative for DISCOUNT and for adjustments that lower a price). */
  unitMinor: number;
  amountMinor: number;
}

export interface Quote {
  currency: string;
  lines: QuoteLine[];
  /** Every line but the taxes. */
  subtotalMinor: number;
  taxTotalMinor: number;
  totalMinor: number;
}

/** A line while the quote is built: with the group a percentage fee or tax may be computed on. */
export interface GroupedLine extends QuoteLine {
  group: LineGroup | 'tax';
}

/** Sum of line amounts, refusing a total that is not an exact integer. */
export const sumMinor = (lines: readonly QuoteLine[]): number => {
  const total = lines.reduce((sum, line) => sum + line.amountMinor, 0);
  if (!Number.isSafeInteger(total)) throw new RangeError(`Total out of range: ${total}`);
  return total;
};

/** Built lines as quoted: without the groups they were built in. */
export const plainLines = (lines: readonly GroupedLine[]): QuoteLine[] =>
  lines.map(({ code, label, quantity, unitMinor, amountMinor }) => ({ code, label, quantity, unitMinor, amountMinor }));

/** The quote of built lines: subtotal, tax total and total all sums of the lines themselves. */
export const quoteOf = (currency: string, lines: readonly GroupedLine[]): Quote => {
  const plain = plainLines(lines);
  const subtotalMinor = sumMinor(lines.filter((line) => line.group !== 'tax'));
  const taxTotalMinor = sumMinor(lines.filter((line) => line.group === 'tax'));
  return { currency, lines: plain, subtotalMinor, taxTotalMinor, totalMinor: sumMinor(lines) };
};
