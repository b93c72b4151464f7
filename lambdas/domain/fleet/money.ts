/**
 * Money is stored as integer minor units (cents) so sums and comparisons are exact; the API shows it
 * as a number with at most two decimals.
 */
export const toMinorUnits = (amount: number): number => Math.round(amount * 100);
export const fromMinorUnits = (minor: number): number => minor / 100;

/** True when `amount` has at most two decimals (checked on the decimal text, not on float arithmetic). */
export const hasAtMostTwoDecimals = (amount: number): boolean => Math.abs(toMinorUnits(amount) - amount * 100) < 1e-6;
