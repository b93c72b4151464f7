/**
 * Money in any ISO 4217 currency: integer minor units inside, decimal numbers in the API. The number of
 * minor digits comes from the runtime's Intl (CLDR data: USD 2, JPY 0, KWD 3), so no currency table is
 * written by hand. Arithmetic that divides (multipliers, percentages) is done on BigInt and rounded
 * half-even once, so no float error can move a minor unit.
 */

/** A payment source as the payment routes take it: a method and its details (a card token, a PayPal order...). */
export interface PaymentSource {
  paymentMethod: string;
  details: unknown;
}

/** Basis points in a whole: 10 000 bp = 100 %, so a multiplier of 12 500 bp is x1.25. */
export const BP_PER_WHOLE = 10_000;
/**
 * Basis points may have two decimals (hundredths of a basis point), because real tax rates need them:
 * New York City's 8.875 % sales tax is 887.5 bp.
 */
export const BP_DECIMALS = 2;

/**
 * Largest amount, in minor units, that `toDecimal` turns into a number without losing a digit: a double
 * holds every decimal of up to 15 significant digits exactly (as its shortest text), not always 16.
 */
export const MAX_EXACT_MINOR = 999_999_999_999_999;

let currencies: ReadonlySet<string> | undefined;
const digitsByCurrency = new Map<string, number>();

/**
 * Whether `code` is an ISO 4217 currency the runtime knows: three capital letters, and one of
 * `Intl.supportedValuesOf('currency')` (Intl itself formats any well-formed code, even `ABC`, with 2 digits).
 */
export const isCurrencyCode = (code: string): boolean => {
  currencies ??= new Set(Intl.supportedValuesOf('currency'));
  return /^[A-Z]{3}$/.test(code) && currencies.has(code);
};

/**
 * Minor-unit digits of a currency (USD 2, JPY 0, KWD 3), from Intl. Throws RangeError for a code that is
 * not a currency: callers hold codes their schemas already checked, so this is a bug, not bad input.
 */
export const minorDigits = (currency: string): number => {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    if (!isCurrencyCode(currency)) throw new RangeError(`Not an ISO 4217 currency code: ${currency}`);
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsByCurrency.set(currency, digits);
  }
  return digits;
};

const isExactMinor = (minor: number): boolean => Number.isSafeInteger(minor) && Math.abs(minor) <= MAX_EXACT_MINOR;

/**
 * Minor units as the API's decimal number (12345 USD -> 123.45, 12345 JPY -> 12345). Built from the
 * digits' text, so the number is the double nearest the exact decimal and serialises as exactly those
 * digits (JSON.stringify(toDecimal(10, 'USD')) is "0.1").
 */
export const toDecimal = (minor: number, currency: string): number => {
  if (!isExactMinor(minor)) throw new RangeError(`Not an amount in minor units: ${minor}`);
  const digits = minorDigits(currency);
  const text = Math.abs(minor)
    .toString()
    .padStart(digits + 1, '0');
  const decimal = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return Number(`${minor < 0 ? '-' : ''}${decimal}`);
};

export type FromDecimal = { ok: true; minor: number } | { ok: false; message: string };

/**
 * A decimal amount from the API in minor units, or why not: more decimals than the currency has
 * (12.345 USD, 1.5 JPY), not finite, or too large to be exact. Judged on the number's own shortest text,
 * as in `fleet/money.ts`, so 1e-7 or 0.1 + 0.2 are refused rather than rounded into a price.
 */
export const fromDecimal = (amount: number, currency: string): FromDecimal => {
  const digits = minorDigits(currency);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(amount));
  if (!match) return { ok: false, message: `${amount} is not an amount of ${currency}.` };
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > digits) {
    const allowed = digits === 0 ? 'no decimals' : `at most ${digits} decimal${digits === 1 ? '' : 's'}`;
    return { ok: false, message: `${currency} amounts have ${allowed}.` };
  }
  const minor = Number(`${sign}${whole}${fraction.padEnd(digits, '0')}`);
  if (!isExactMinor(minor)) return { ok: false, message: `${amount} ${currency} is too large.` };
  return { ok: true, minor: minor === 0 ? 0 : minor };
};

/**
 * `numerator / denominator` rounded to an integer, ties to the even neighbour (banker's rounding: 0.5 -> 0,
 * 1.5 -> 2, -2.5 -> -2), in exact BigInt arithmetic. Half-even rather than half-up so that rounding many
 * lines does not drift upwards on average.
 */
export const roundHalfEven = (numerator: bigint, denominator: bigint): bigint => {
  if (denominator === 0n) throw new RangeError('Division by zero');
  const [num, den] = denominator < 0n ? [-numerator, -denominator] : [numerator, denominator];
  const quotient = num / den; // truncated towards zero
  const remainder = num % den; // has num's sign
  const twice = 2n * (remainder < 0n ? -remainder : remainder);
  if (twice < den) return quotient;
  const away = num < 0n ? quotient - 1n : quotient + 1n;
  if (twice > den) return away;
  return quotient % 2n === 0n ? quotient : away;
};

/** A BigInt result back to a number, refusing one that would not be an exact integer. */
export const safeMinor = (value: bigint): number => {
  const minor = Number(value);
  if (!Number.isSafeInteger(minor)) throw new RangeError(`Amount out of range: ${value} minor units`);
  return minor;
};

/** Whether `basisPoints` is a rate this module computes exactly: finite, at most two decimals (887.5, 887.25). */
export const isBasisPoints = (basisPoints: number): boolean => /^-?\d+(\.\d{1,2})?$/.test(String(basisPoints));

/**
 * `amountMinor x basisPoints / 10 000`, rounded half-even to minor units: a multiplier (12 500 bp on
 * 40.00 is 50.00) or a percentage (887.5 bp of 12.00 is 1.065, so 1.06). Exact: the rate is taken as
 * hundredths of a basis point, an integer, and the product is divided once in BigInt.
 */
export const applyBasisPoints = (amountMinor: number, basisPoints: number): number => {
  if (!Number.isSafeInteger(amountMinor) || !isBasisPoints(basisPoints)) {
    throw new RangeError(`Not a rate to apply: ${amountMinor} minor units x ${basisPoints} bp`);
  }
  const scale = 10 ** BP_DECIMALS;
  // Exact: a number of at most two decimals times 100 is within 0.5 of its integer (checked by text above).
  const hundredths = BigInt(Math.round(basisPoints * scale));
  return safeMinor(roundHalfEven(BigInt(amountMinor) * hundredths, BigInt(BP_PER_WHOLE * scale)));
};

/** `unitMinor x quantity`, refusing a product that is not an exact integer (a line's amount). */
export const timesQuantity = (unitMinor: number, quantity: number): number => {
  const amount = unitMinor * quantity;
  if (!Number.isSafeInteger(unitMinor) || !Number.isSafeInteger(quantity) || !Number.isSafeInteger(amount)) {
    throw new RangeError(`Amount out of range: ${unitMinor} minor units x ${quantity}`);
  }
  return amount;
};
