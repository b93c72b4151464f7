/**
 * Money is stored as integer minor units (cents) so sums and comparisons are exact; the API shows it
 * as a number with at most two decimals.
 */
export const toMinorUnits = (amount: number): number => Math.round(amount * 100);
export const fromMinorUnits = (minor: number): number => minor / 100;

/**
 * True when `amount` has at most two decimals, checked on its decimal text (the shortest that reads back
 * as the same number): float arithmetic let 1e-9 or 1.0000000001 through, to be stored rounded.
 */
export const hasAtMostTwoDecimals = (amount: number): boolean => /^-?\d+(\.\d{1,2})?$/.test(String(amount));
