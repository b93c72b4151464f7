import fc from 'fast-check';
import {
  MAX_EXACT_MINOR,
  applyBasisPoints,
  fromDecimal,
  isCurrencyCode,
  minorDigits,
  roundHalfEven,
  toDecimal,
} from '../../../lambdas/domain/pricing';

describe('currencies', () => {
  it('takes minor digits from Intl: USD 2, JPY 0, KWD 3', () => {
    expect(minorDigits('USD')).toBe(2);
    expect(minorDigits('EUR')).toBe(2);
    expect(minorDigits('JPY')).toBe(0);
    expect(minorDigits('KWD')).toBe(3);
  });

  it('knows ISO 4217 codes, not any three letters (Intl alone would format ABC with 2 digits)', () => {
    expect(['USD', 'JPY', 'EUR', 'GBP', 'KWD'].every(isCurrencyCode)).toBe(true);
    expect(['ABC', 'usd', 'US', 'USDX', ''].some(isCurrencyCode)).toBe(false);
    expect(() => minorDigits('ABC')).toThrow(RangeError);
  });
});

/** The decimal text of minor units, by string arithmetic: the digits, a point, no trailing zeros. */
const decimalText = (minor: number, digits: number): string => {
  const text = Math.abs(minor)
    .toString()
    .padStart(digits + 1, '0');
  const [whole, fraction] = [text.slice(0, text.length - digits), text.slice(text.length - digits).replace(/0+$/, '')];
  return `${minor < 0 ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
};

describe('toDecimal and fromDecimal', () => {
  it.each([
    [12345, 'USD', 123.45, '123.45'],
    [10, 'USD', 0.1, '0.1'],
    [5, 'USD', 0.05, '0.05'],
    [-4000, 'USD', -40, '-40'],
    [12345, 'JPY', 12345, '12345'],
    [1234, 'KWD', 1.234, '1.234'],
    [MAX_EXACT_MINOR, 'USD', 9999999999999.99, '9999999999999.99'],
  ])('%p minor %s is %p (JSON %s)', (minor, currency, decimal, json) => {
    expect(toDecimal(minor, currency)).toBe(decimal);
    expect(JSON.stringify(toDecimal(minor, currency))).toBe(json);
    expect(fromDecimal(decimal, currency)).toEqual({ ok: true, minor });
  });

  it('refuses more decimals than the currency has, and numbers that are not plain decimals', () => {
    expect(fromDecimal(12.345, 'USD')).toEqual({ ok: false, message: 'USD amounts have at most 2 decimals.' });
    expect(fromDecimal(1.5, 'JPY')).toEqual({ ok: false, message: 'JPY amounts have no decimals.' });
    expect(fromDecimal(0.1 + 0.2, 'USD').ok).toBe(false);
    expect(fromDecimal(1e-7, 'USD').ok).toBe(false);
    expect(fromDecimal(1e21, 'USD').ok).toBe(false);
    expect(fromDecimal(Number.NaN, 'USD').ok).toBe(false);
    expect(fromDecimal(1e14, 'USD').ok).toBe(false);
    expect(fromDecimal(12.3, 'USD')).toEqual({ ok: true, minor: 1230 });
    expect(fromDecimal(-0, 'USD')).toEqual({ ok: true, minor: 0 });
  });

  it('refuses to show an amount it could not show exactly', () => {
    expect(() => toDecimal(MAX_EXACT_MINOR + 1, 'USD')).toThrow(RangeError);
    expect(() => toDecimal(1.5, 'USD')).toThrow(RangeError);
  });

  it('round-trips every amount up to 15 digits in every digit count', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_EXACT_MINOR, max: MAX_EXACT_MINOR }), fc.constantFrom('USD', 'JPY', 'KWD'), (minor, currency) => {
        const decimal = toDecimal(minor, currency);
        expect(fromDecimal(decimal, currency)).toEqual({ ok: true, minor: minor === 0 ? 0 : minor });
        // The number's text is the minor units' digits with the decimal point placed by the currency.
        expect(String(decimal)).toBe(decimalText(minor, minorDigits(currency)));
      }),
    );
  });
});

describe('roundHalfEven', () => {
  it.each([
    [5n, 2n, 2n],
    [7n, 2n, 4n],
    [-5n, 2n, -2n],
    [-7n, 2n, -4n],
    [1065n, 1000n, 1n],
    [1775n, 100n, 18n],
    [1774n, 100n, 18n],
    [1749n, 100n, 17n],
    [10n, -4n, -2n],
    [0n, 3n, 0n],
  ])('%p / %p is %p', (num, den, rounded) => {
    expect(roundHalfEven(num, den)).toBe(rounded);
  });

  it('is within half of the exact quotient, and even on a tie', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.bigInt({ min: 1n, max: 10n ** 9n }), (num, den) => {
        const rounded = roundHalfEven(num, den);
        const twiceError = 2n * (num - rounded * den); // 2 x (exact - rounded) x den
        const abs = twiceError < 0n ? -twiceError : twiceError;
        expect(abs <= den).toBe(true);
        if (abs === den) expect(rounded % 2n).toBe(0n);
      }),
    );
  });

  it('refuses a zero denominator', () => {
    expect(() => roundHalfEven(1n, 0n)).toThrow(RangeError);
  });
});

describe('applyBasisPoints', () => {
  it('multiplies (12 500 bp of 40.00 is 50.00) and takes percentages to hundredths of a bp (8.875 % is 887.5 bp)', () => {
    expect(applyBasisPoints(4000, 12_500)).toBe(5000);
    expect(applyBasisPoints(1200, 887.5)).toBe(106); // 106.5 -> 106 (even), half-up would say 107
    expect(applyBasisPoints(2000, 887.5)).toBe(178); // 177.5 -> 178 (even)
    expect(applyBasisPoints(1000, 887.25)).toBe(89); // 88.725
    expect(applyBasisPoints(3333, 12_500)).toBe(4166); // 4166.25
  });

  it('refuses rates it cannot apply exactly', () => {
    expect(() => applyBasisPoints(100, 887.125)).toThrow(RangeError);
    expect(() => applyBasisPoints(100.5, 100)).toThrow(RangeError);
    expect(() => applyBasisPoints(Number.MAX_SAFE_INTEGER, 20_000)).toThrow(RangeError);
  });
});
