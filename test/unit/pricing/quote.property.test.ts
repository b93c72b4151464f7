import fc from 'fast-check';
import { WEEKDAYS } from '../../../lambdas/domain/rental-time';
import {
  LINE_GROUPS,
  LocationPricing,
  OneWayMatrix,
  RateCard,
  STANDARD_EXTRAS,
  priceRental,
  searchTotal,
  type Charge,
  type ExtraChoice,
  type PriceInput,
  type Quote,
  type SeasonRule,
} from '../../../lambdas/domain/pricing';
import type { LocationCode } from '../../../lambdas/domain/fleet/catalog';

/**
 * Property tests over random rules (valid by the admin schemas) and random periods (any minute, any
 * length up to 30 days, in zones with and without DST, one with a 30-minute DST shift).
 */

const DAY = 86_400_000;
const MINUTE = 60_000;
const FIRST_DATE = Date.UTC(2027, 0, 1);
/** Pick-ups and seasons fall within these days from FIRST_DATE (short enough for seasons to meet rentals often; DST changes included). */
const SPAN_DAYS = 330;

const dateArb = (maxDays: number) =>
  fc.integer({ min: 0, max: maxDays }).map((d) => new Date(FIRST_DATE + d * DAY).toISOString().slice(0, 10));
const minor = (max: number) => fc.integer({ min: 0, max });
/** Basis points with 0 to 2 decimals, as the schema takes them. */
const percentArb = fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.constantFrom(0, 0.25, 0.5, 0.75)).map(([bp, frac]) => bp + frac);

const rateCardArb = (currency: string): fc.Arbitrary<RateCard> =>
  minor(1_000_000).chain((dailyMinor) =>
    fc.option(minor(dailyMinor), { nil: undefined }).chain((weeklyDailyMinor) =>
      fc
        .record({
          monthlyDailyMinor: fc.option(minor(weeklyDailyMinor ?? dailyMinor), { nil: undefined }),
          hourlyMinor: fc.option(fc.integer({ min: 1, max: 200_000 }), { nil: undefined }),
        })
        .map((more) => ({ currency, dailyMinor, weeklyDailyMinor, ...more })),
    ),
  );

const seasonArb: fc.Arbitrary<SeasonRule> = fc
  .record({
    name: fc.constantFrom('Summer', 'Holidays', 'Low season', 'Festival'),
    from: dateArb(SPAN_DAYS),
    span: fc.integer({ min: 0, max: 60 }),
    price: fc.oneof(
      fc.integer({ min: 0, max: 30_000 }).map((multiplierBp) => ({ multiplierBp })),
      minor(1_000_000).map((fixedDailyMinor) => ({ fixedDailyMinor })),
    ),
  })
  .map(({ name, from, span, price }) => ({ name, from, to: new Date(Date.parse(from) + span * DAY).toISOString().slice(0, 10), ...price }));

const chargeArb: fc.Arbitrary<Charge> = fc
  .record({
    name: fc.constantFrom('SALES', 'STATE', 'CITY', 'AIRPORT', 'CFC', 'TOURISM', 'VLF'),
    kind: fc.constantFrom('fee' as const, 'tax' as const),
    percent: fc.boolean(),
    percentBp: percentArb,
    groups: fc.subarray([...LINE_GROUPS], { minLength: 1 }),
    fixedMinor: minor(50_000),
    per: fc.constantFrom('rental' as const, 'day' as const),
  })
  .map(({ name, kind, percent, percentBp, groups, fixedMinor, per }): Charge => {
    const base = { name, label: name, kind };
    if (!percent) return { ...base, fixedMinor, per };
    const appliesTo = kind === 'fee' ? groups.filter((group) => group !== 'fees') : groups;
    return appliesTo.length ? { ...base, percentBp, appliesTo } : { ...base, fixedMinor, per };
  });

const extraArb = fc
  .record({
    code: fc.constantFrom(...STANDARD_EXTRAS, 'WIFI'),
    priceMinor: minor(100_000),
    per: fc.constantFrom('day' as const, 'rental' as const),
    capMinor: fc.option(minor(500_000), { nil: undefined }),
    maxQuantity: fc.integer({ min: 1, max: 4 }),
    stock: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
  })
  .map(({ per, capMinor, ...extra }) => ({
    ...extra,
    label: extra.code,
    per,
    ...(per === 'day' && capMinor !== undefined ? { capMinor } : {}),
  }));

const rulesArb = (currency: string): fc.Arbitrary<LocationPricing> =>
  fc.record({
    location: fc.constant('LAX' as const),
    currency: fc.constant(currency),
    seasons: fc.uniqueArray(seasonArb, { maxLength: 6, selector: (s) => `${s.from}/${s.to}/${s.fixedDailyMinor !== undefined}` }),
    weekend: fc.option(
      fc.record({ days: fc.subarray([...WEEKDAYS], { minLength: 1 }), multiplierBp: fc.integer({ min: 0, max: 30_000 }) }),
      { nil: undefined },
    ),
    charges: fc.uniqueArray(chargeArb, { maxLength: 6, selector: (c) => c.name }),
    extras: fc.uniqueArray(extraArb, { maxLength: 5, selector: (e) => e.code }),
    drivers: fc.record({
      minimumAge: fc.integer({ min: 18, max: 25 }),
      minimumAgeByType: fc.constantFrom(undefined, { LUXURY: 25 }, { LUXURY: 27, SUV: 23 }),
      youngDriver: fc.option(
        fc.record({
          underAge: fc.integer({ min: 21, max: 30 }),
          dailyMinor: minor(10_000),
          capMinor: fc.option(minor(50_000), { nil: undefined }),
        }),
        { nil: undefined },
      ),
    }),
  });

const oneWayArb = fc.uniqueArray(
  fc.record({
    from: fc.constant('LAX' as const),
    to: fc.constantFrom<LocationCode>('SFO', 'SAN', 'LAS', 'PHX'),
    dropFeeMinor: minor(100_000),
  }),
  { maxLength: 4, selector: (route) => route.to },
);

const periodArb = fc
  .record({
    timeZone: fc.constantFrom(
      'America/Los_Angeles',
      'America/New_York',
      'America/Phoenix',
      'Pacific/Honolulu',
      'Asia/Tokyo',
      'Australia/Lord_Howe',
    ),
    pickupMinute: fc.integer({ min: 0, max: SPAN_DAYS * 24 * 60 }),
    // Hourly-length rentals, around a day (grace), around a week, up to the 30 days a rental may last.
    minutes: fc.oneof(
      fc.integer({ min: 1, max: 26 * 60 }),
      fc.integer({ min: 6 * 24 * 60, max: 8 * 24 * 60 }),
      fc.integer({ min: 1, max: 30 * 24 * 60 }),
    ),
    gracePeriodMinutes: fc.constantFrom(0, 29, 59),
  })
  .map(({ timeZone, pickupMinute, minutes, gracePeriodMinutes }) => ({
    pickupMs: FIRST_DATE + pickupMinute * MINUTE,
    returnMs: FIRST_DATE + (pickupMinute + minutes) * MINUTE,
    timeZone,
    gracePeriodMinutes,
  }));

/** A rental with rules and choices the rules allow (so it is priced), or none at all. */
const rentalArb: fc.Arbitrary<PriceInput> = fc.constantFrom('USD', 'JPY', 'KWD', 'EUR').chain((currency) =>
  fc
    .record({ rates: rateCardArb(currency), rules: rulesArb(currency), oneWay: oneWayArb, period: periodArb })
    .chain(({ rates, rules, oneWay, period }) =>
      fc
        .record({
          carType: fc.constantFrom('SEDAN' as const, 'SUV' as const, 'LUXURY' as const),
          extras: fc
            .subarray(rules.extras)
            .chain((chosen) =>
              fc.tuple(
                ...chosen.map((extra) =>
                  fc.integer({ min: 1, max: extra.maxQuantity }).map((quantity): ExtraChoice => ({ code: extra.code, quantity })),
                ),
              ),
            ),
          returnLocation: fc.option(fc.constantFrom<LocationCode>('LAX', ...oneWay.map((route) => route.to)), { nil: undefined }),
          age: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
        })
        .map(({ carType, extras, returnLocation, age }) => {
          const minimum = rules.drivers.minimumAgeByType?.[carType as 'LUXURY'] ?? rules.drivers.minimumAge;
          return {
            period,
            carType,
            rates,
            rules,
            oneWay,
            extras,
            returnLocation,
            driverAge: age === undefined ? undefined : minimum + age,
          };
        }),
    ),
);

const priced = (input: PriceInput): Quote => {
  const result = priceRental(input);
  if (!result.ok) throw new Error(`Refused: ${JSON.stringify(result.issues)}`);
  return result.quote;
};
const sum = (amounts: number[]) => amounts.reduce((a, b) => a + b, 0);
const CODE = /^(BASE|DISCOUNT|SEASON|WEEKEND|ONE_WAY|YOUNG_DRIVER|EXTRA:[A-Z0-9_]+|FEE:[A-Z0-9_]+|TAX:[A-Z0-9_]+)$/;

describe('priceRental: properties over random rules and periods', () => {
  it('generates rules the admin schemas accept (so the properties below hold for every rule an admin can set)', () => {
    fc.assert(
      fc.property(rentalArb, ({ rates, rules, oneWay }) => {
        expect(RateCard.safeParse(rates).success).toBe(true);
        expect(LocationPricing.safeParse(rules).success).toBe(true);
        expect(OneWayMatrix.safeParse(oneWay).success).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('lines sum exactly to the total; subtotal is the non-tax lines, tax total the TAX lines; nothing negative but adjustments', () => {
    fc.assert(
      fc.property(rentalArb, (input) => {
        const q = priced(input);
        const amounts = q.lines.map((line) => line.amountMinor);
        expect(sum(amounts)).toBe(q.totalMinor);
        expect(q.subtotalMinor).toBe(sum(q.lines.filter((l) => !l.code.startsWith('TAX:')).map((l) => l.amountMinor)));
        expect(q.taxTotalMinor).toBe(sum(q.lines.filter((l) => l.code.startsWith('TAX:')).map((l) => l.amountMinor)));
        expect(q.subtotalMinor + q.taxTotalMinor).toBe(q.totalMinor);
        expect(q.totalMinor).toBeGreaterThanOrEqual(0);
        expect(q.currency).toBe(input.rates.currency);
        for (const line of q.lines) {
          expect(line.code).toMatch(CODE);
          for (const n of [line.quantity, line.unitMinor, line.amountMinor]) expect(Number.isSafeInteger(n)).toBe(true);
          expect(line.quantity).toBeGreaterThanOrEqual(1);
          expect(line.amountMinor).toBe(line.quantity * line.unitMinor);
          if (!['DISCOUNT', 'SEASON', 'WEEKEND'].includes(line.code)) expect(line.amountMinor).toBeGreaterThanOrEqual(0);
        }
        expect(q.lines[0].code).toBe('BASE');
        expect(q.lines.filter((line) => line.code === 'DISCOUNT').every((line) => line.amountMinor < 0)).toBe(true);
        // The car's price for the period (the rate group) is never negative either.
        expect(
          sum(q.lines.filter((l) => ['BASE', 'DISCOUNT', 'SEASON', 'WEEKEND'].includes(l.code)).map((l) => l.amountMinor)),
        ).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  it("searchTotal is the quote's total with no extras, no one-way, no young driver; the quote's car lines are the search's", () => {
    fc.assert(
      fc.property(rentalArb, (input) => {
        const { period, carType, rates, rules } = input;
        const plain = priced({ period, carType, rates, rules });
        expect(searchTotal({ period, carType, rates, rules })).toBe(plain.totalMinor);
        expect(searchTotal({ period, carType, rates, rules })).toBe(
          priced({ ...input, extras: [], returnLocation: undefined, driverAge: undefined }).totalMinor,
        );
        const full = priced(input);
        const carLines = (q: Quote) => q.lines.filter((l) => ['BASE', 'DISCOUNT', 'SEASON', 'WEEKEND'].includes(l.code));
        expect(carLines(full)).toEqual(carLines(plain));
        // Choices only ever add: every fee and tax is computed on amounts that are not negative.
        expect(full.totalMinor).toBeGreaterThanOrEqual(plain.totalMinor);
      }),
      { numRuns: 200 },
    );
  });

  it('answers choices the rules refuse with issues naming field and rule, never a throw', () => {
    fc.assert(
      fc.property(
        rentalArb,
        fc.constantFrom('GPS', 'WIFI', 'BOAT'),
        fc.integer({ min: -1, max: 9 }),
        fc.constantFrom<LocationCode>('JFK', 'SFO'),
        fc.integer({ min: 0, max: 40 }),
        (input, code, quantity, returnLocation, driverAge) => {
          const result = priceRental({ ...input, extras: [{ code, quantity }], returnLocation, driverAge });
          const extra = input.rules.extras.find((e) => e.code === code);
          const minimum = input.rules.drivers.minimumAgeByType?.[input.carType as 'LUXURY'] ?? input.rules.drivers.minimumAge;
          const expected = [
            ...(!extra ? ['EXTRA_UNKNOWN'] : quantity < 1 || quantity > extra.maxQuantity ? ['EXTRA_QUANTITY'] : []),
            ...(input.oneWay?.some((route) => route.to === returnLocation) ? [] : ['ONE_WAY_NOT_ALLOWED']),
            ...(driverAge < minimum ? ['DRIVER_UNDER_MINIMUM_AGE'] : []),
          ];
          if (expected.length === 0) expect(result.ok).toBe(true);
          else {
            expect(result.ok).toBe(false);
            if (!result.ok) {
              expect(result.issues.map((issue) => issue.rule)).toEqual(expected);
              for (const issue of result.issues) expect(issue.field).toMatch(/^(extras\.0\.(code|quantity)|returnLocation|driverAge)$/);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
