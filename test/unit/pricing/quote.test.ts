import {
  priceRental,
  searchTotal,
  toDecimal,
  type Charge,
  type Extra,
  type OneWayRoute,
  type PriceInput,
  type SeasonRule,
} from '../../../lambdas/domain/pricing';
import { lax, period, quote, rows, usd } from './support';

const SUMMER: SeasonRule = { name: 'Summer', from: '2027-07-01', to: '2027-08-31', multiplierBp: 12_500 };
const JULY_4TH: SeasonRule = { name: 'Independence Day', from: '2027-07-03', to: '2027-07-05', fixedDailyMinor: 6000 };
const WEEKEND = { days: ['saturday', 'sunday'] as ('saturday' | 'sunday')[], multiplierBp: 11_000 };
const NYC_SALES_TAX: Charge = {
  name: 'SALES',
  label: 'Sales tax 8.875%',
  kind: 'tax',
  percentBp: 887.5,
  appliesTo: ['rate', 'fees', 'extras'],
};

describe('priceRental: worked examples', () => {
  it('3 days x 40.00 is BASE 120.00, and the total', () => {
    const q = quote({ period: period('2027-02-01T10:00', '2027-02-04T10:00') });
    expect(rows(q)).toEqual([['BASE', 3, 4000, 12_000]]);
    expect(q).toMatchObject({ currency: 'USD', subtotalMinor: 12_000, taxTotalMinor: 0, totalMinor: 12_000 });
    expect(q.lines[0].label).toBe('3 days');
    expect(toDecimal(q.totalMinor, q.currency)).toBe(120);
  });

  it('bills days as rental-time does: a return within the grace period adds no day, after it one', () => {
    expect(rows(quote({ period: period('2027-02-01T10:00', '2027-02-04T10:29') }))).toEqual([['BASE', 3, 4000, 12_000]]);
    expect(rows(quote({ period: period('2027-02-01T10:00', '2027-02-04T10:30') }))).toEqual([['BASE', 4, 4000, 16_000]]);
  });

  it('8 days with a weekly price: BASE at the daily price and a negative DISCOUNT to the weekly one', () => {
    const q = quote({ period: period('2027-02-01T10:00', '2027-02-09T10:00'), rates: usd(4000, { weeklyDailyMinor: 3500 }) });
    expect(rows(q)).toEqual([
      ['BASE', 8, 4000, 32_000],
      ['DISCOUNT', 8, -500, -4000],
    ]);
    expect(q.lines[1].label).toBe('Weekly rate (7+ days)');
    expect(q.totalMinor).toBe(28_000);
  });

  it('takes the monthly price from 28 days, the weekly from 7, the daily below', () => {
    const rates = usd(4000, { weeklyDailyMinor: 3500, monthlyDailyMinor: 3000 });
    const total = (ret: string) => quote({ period: period('2027-02-01T10:00', ret), rates }).totalMinor;
    expect(total('2027-02-07T10:00')).toBe(6 * 4000);
    expect(total('2027-02-08T10:00')).toBe(7 * 3500);
    expect(total('2027-02-28T10:00')).toBe(27 * 3500);
    expect(total('2027-03-01T10:00')).toBe(28 * 3000);
    // No weekly price: the daily one until the monthly applies.
    expect(
      quote({ period: period('2027-02-01T10:00', '2027-02-09T10:00'), rates: usd(4000, { monthlyDailyMinor: 3000 }) }).totalMinor,
    ).toBe(8 * 4000);
  });

  it('a season and a weekend: each billed day takes the local date of its start; the weekend applies after the season', () => {
    // Thursday 1 July 10:00 to Sunday 4 July 10:00: billed days Thu, Fri, Sat.
    const q = quote({ period: period('2027-07-01T10:00', '2027-07-04T10:00'), rules: lax({ seasons: [SUMMER], weekend: WEEKEND }) });
    expect(rows(q)).toEqual([
      ['BASE', 3, 4000, 12_000],
      ['SEASON', 3, 1000, 3000], // 40.00 x 1.25 = 50.00
      ['WEEKEND', 1, 500, 500], // Saturday: 50.00 x 1.10 = 55.00
    ]);
    expect(q.lines.map((line) => line.label)).toEqual(['3 days', 'Summer', 'Weekend (Saturday, Sunday)']);
    expect(q.totalMinor).toBe(15_500);
  });

  it('a fixed daily season beats a multiplier season on the days both cover', () => {
    const q = quote({
      period: period('2027-07-01T10:00', '2027-07-04T10:00'),
      rules: lax({ seasons: [SUMMER, JULY_4TH], weekend: WEEKEND }),
    });
    expect(rows(q)).toEqual([
      ['BASE', 3, 4000, 12_000],
      ['SEASON', 2, 1000, 2000], // Thu, Fri: Summer
      ['SEASON', 1, 2000, 2000], // Sat: Independence Day's 60.00
      ['WEEKEND', 1, 600, 600], // 60.00 x 1.10
    ]);
    expect(q.totalMinor).toBe(16_600);
  });

  it('dates a billed day by its start on the local clock: late Friday evening is Friday, the next day Saturday', () => {
    const q = quote({ period: period('2027-02-05T23:30', '2027-02-07T23:30'), rules: lax({ weekend: WEEKEND }) });
    expect(rows(q)).toEqual([
      ['BASE', 2, 4000, 8000],
      ['WEEKEND', 1, 400, 400],
    ]);
  });

  it('applies the weekly price before the date rules: a multiplier scales the day price actually charged', () => {
    const q = quote({
      period: period('2027-07-01T10:00', '2027-07-08T10:00'),
      rates: usd(4000, { weeklyDailyMinor: 3500 }),
      rules: lax({ seasons: [SUMMER] }),
    });
    expect(rows(q)).toEqual([
      ['BASE', 7, 4000, 28_000],
      ['DISCOUNT', 7, -500, -3500],
      ['SEASON', 7, 875, 6125], // 35.00 x 1.25 = 43.75
    ]);
  });

  it('8.875 % sales tax on 12.00 rounds half-even to 1.06 (half-up would say 1.07), and on 20.00 to 1.78', () => {
    const rules = lax({ charges: [NYC_SALES_TAX] });
    const small = quote({ period: period('2027-02-01T10:00', '2027-02-04T10:00'), rates: usd(400), rules });
    expect(rows(small)).toEqual([
      ['BASE', 3, 400, 1200],
      ['TAX:SALES', 1, 106, 106],
    ]);
    expect(small).toMatchObject({ subtotalMinor: 1200, taxTotalMinor: 106, totalMinor: 1306 });
    const larger = quote({ period: period('2027-02-01T10:00', '2027-02-06T10:00'), rates: usd(400), rules });
    expect(larger.lines[1].amountMinor).toBe(178);
  });

  it('computes taxes on the rounded lines they apply to, and fees before taxes', () => {
    const charges: Charge[] = [
      { name: 'AIRPORT', label: 'Airport concession recovery 11.1%', kind: 'fee', percentBp: 1110, appliesTo: ['rate'] },
      { name: 'CFC', label: 'Customer facility charge', kind: 'fee', fixedMinor: 600, per: 'day' },
      { name: 'TOURISM', label: 'Tourism assessment', kind: 'fee', fixedMinor: 250, per: 'rental' },
      { name: 'SALES', label: 'Sales tax 9.5%', kind: 'tax', percentBp: 950, appliesTo: ['rate', 'fees'] },
    ];
    const q = quote({ period: period('2027-02-01T10:00', '2027-02-04T10:00'), rates: usd(3333), rules: lax({ charges }) });
    expect(rows(q)).toEqual([
      ['BASE', 3, 3333, 9999],
      ['FEE:AIRPORT', 1, 1110, 1110], // 9999 x 11.1 % = 1109.889
      ['FEE:CFC', 3, 600, 1800],
      ['FEE:TOURISM', 1, 250, 250],
      ['TAX:SALES', 1, 1250, 1250], // (9999 + 1110 + 1800 + 250) x 9.5 % = 1250.105
    ]);
    expect(q).toMatchObject({ subtotalMinor: 13_159, taxTotalMinor: 1250, totalMinor: 14_409 });
  });

  it('prices in JPY with no minor digits', () => {
    const q = quote({
      period: period('2027-02-01T10:00', '2027-02-04T10:00', 'Asia/Tokyo'),
      rates: { currency: 'JPY', dailyMinor: 4321 },
      rules: lax({
        currency: 'JPY',
        charges: [{ name: 'CONSUMPTION', label: 'Consumption tax 10%', kind: 'tax', percentBp: 1000, appliesTo: ['rate'] }],
      }),
    });
    expect(rows(q)).toEqual([
      ['BASE', 3, 4321, 12_963],
      ['TAX:CONSUMPTION', 1, 1296, 1296], // 1296.3 yen
    ]);
    expect(q.currency).toBe('JPY');
    expect(toDecimal(q.totalMinor, 'JPY')).toBe(14_259);
  });

  it('a 3-hour rental at an hourly price: started hours x hourly, never above the day', () => {
    const rates = usd(4000, { hourlyMinor: 900 });
    expect(rows(quote({ period: period('2027-02-01T10:00', '2027-02-01T13:00'), rates }))).toEqual([['BASE', 3, 900, 2700]]);
    expect(quote({ period: period('2027-02-01T10:00', '2027-02-01T13:00'), rates }).lines[0].label).toBe('3 hours');
    // Started hours: 3 h 10 min is 4 hours (the grace period forgives a day, not an hour).
    expect(rows(quote({ period: period('2027-02-01T10:00', '2027-02-01T13:10'), rates }))).toEqual([['BASE', 4, 900, 3600]]);
    // 5 hours would be 45.00, more than the day's 40.00: the day it is.
    expect(rows(quote({ period: period('2027-02-01T10:00', '2027-02-01T15:00'), rates }))).toEqual([['BASE', 1, 4000, 4000]]);
    // Over a day: billed by the day.
    expect(rows(quote({ period: period('2027-02-01T10:00', '2027-02-02T13:00'), rates }))).toEqual([['BASE', 2, 4000, 8000]]);
  });

  it("compares the hours with the day's price after its date rules, which do not adjust hours", () => {
    const rates = usd(4000, { hourlyMinor: 900 });
    const rules = lax({ weekend: WEEKEND });
    // Saturday: the day is 44.00, so 4 hours (36.00) stay hourly, 5 hours (45.00) become the day.
    expect(rows(quote({ period: period('2027-02-06T10:00', '2027-02-06T14:00'), rates, rules }))).toEqual([['BASE', 4, 900, 3600]]);
    expect(rows(quote({ period: period('2027-02-06T10:00', '2027-02-06T15:00'), rates, rules }))).toEqual([
      ['BASE', 1, 4000, 4000],
      ['WEEKEND', 1, 400, 400],
    ]);
  });

  const ONE_WAY: OneWayRoute[] = [
    { from: 'LAX', to: 'SFO', dropFeeMinor: 7500 },
    { from: 'SFO', to: 'LAX', dropFeeMinor: 5000 },
  ];

  it('adds the drop fee of a one-way rental, and nothing for a return to the pick-up location', () => {
    const rental = { period: period('2027-02-01T10:00', '2027-02-04T10:00'), oneWay: ONE_WAY };
    const q = quote({ ...rental, returnLocation: 'SFO' });
    expect(rows(q)).toEqual([
      ['BASE', 3, 4000, 12_000],
      ['ONE_WAY', 1, 7500, 7500],
    ]);
    expect(q.lines[1].label).toBe('One-way drop fee (LAX to SFO)');
    expect(rows(quote({ ...rental, returnLocation: 'LAX' }))).toEqual([['BASE', 3, 4000, 12_000]]);
  });

  const EXTRAS: Extra[] = [
    { code: 'CHILD_SEAT', label: 'Child seat', priceMinor: 1200, per: 'day', capMinor: 5000, maxQuantity: 3, stock: 4 },
    { code: 'GPS', label: 'GPS', priceMinor: 1000, per: 'rental', maxQuantity: 1 },
    { code: 'CDW', label: 'Collision damage waiver', priceMinor: 2500, per: 'day', maxQuantity: 1 },
    { code: 'ADDITIONAL_DRIVER', label: 'Additional driver', priceMinor: 0, per: 'rental', maxQuantity: 2 },
  ];

  it('prices extras per item, per day up to their cap or per rental; a free extra chosen still shows', () => {
    const rules = lax({ extras: EXTRAS });
    const extras = [
      { code: 'CHILD_SEAT', quantity: 2 },
      { code: 'GPS', quantity: 1 },
      { code: 'CDW', quantity: 1 },
      { code: 'ADDITIONAL_DRIVER', quantity: 1 },
    ];
    const threeDays = quote({ period: period('2027-02-01T10:00', '2027-02-04T10:00'), rules, extras });
    expect(rows(threeDays)).toEqual([
      ['BASE', 3, 4000, 12_000],
      ['EXTRA:CHILD_SEAT', 2, 3600, 7200],
      ['EXTRA:GPS', 1, 1000, 1000],
      ['EXTRA:CDW', 1, 7500, 7500],
      ['EXTRA:ADDITIONAL_DRIVER', 1, 0, 0],
    ]);
    // Eight days of a child seat would be 96.00: capped at 50.00 per seat.
    const eightDays = quote({ period: period('2027-02-01T10:00', '2027-02-09T10:00'), rules, extras: extras.slice(0, 1) });
    expect(rows(eightDays)).toEqual([
      ['BASE', 8, 4000, 32_000],
      ['EXTRA:CHILD_SEAT', 2, 5000, 10_000],
    ]);
  });

  it('charges a young-driver fee per day under its age, capped per rental', () => {
    const rules = lax({ drivers: { minimumAge: 21, youngDriver: { underAge: 25, dailyMinor: 2500, capMinor: 10_000 } } });
    const at = (ret: string, driverAge?: number) => quote({ period: period('2027-02-01T10:00', ret), rules, driverAge });
    expect(rows(at('2027-02-04T10:00', 22))).toEqual([
      ['BASE', 3, 4000, 12_000],
      ['YOUNG_DRIVER', 3, 2500, 7500],
    ]);
    expect(at('2027-02-04T10:00', 22).lines[1].label).toBe('Young driver (under 25)');
    expect(rows(at('2027-02-09T10:00', 24))).toEqual([
      ['BASE', 8, 4000, 32_000],
      ['YOUNG_DRIVER', 1, 10_000, 10_000],
    ]);
    expect(rows(at('2027-02-04T10:00', 25))).toEqual([['BASE', 3, 4000, 12_000]]);
    expect(rows(at('2027-02-04T10:00'))).toEqual([['BASE', 3, 4000, 12_000]]);
  });

  it("docs/pricing.md's worked example", () => {
    const q = quote({
      period: period('2027-07-01T10:00', '2027-07-09T10:00'),
      rates: usd(4000, { weeklyDailyMinor: 3500 }),
      rules: lax({ seasons: [SUMMER], weekend: WEEKEND, extras: EXTRAS }),
      oneWay: ONE_WAY,
      returnLocation: 'SFO',
      extras: [{ code: 'CHILD_SEAT', quantity: 1 }],
    });
    expect(rows(q)).toEqual([
      ['BASE', 8, 4000, 32_000],
      ['DISCOUNT', 8, -500, -4000],
      ['SEASON', 8, 875, 7000],
      ['WEEKEND', 2, 437, 874], // 43.75 x 1.10 = 48.125 -> 48.12
      ['ONE_WAY', 1, 7500, 7500],
      ['EXTRA:CHILD_SEAT', 1, 5000, 5000],
    ]);
    expect(toDecimal(q.totalMinor, 'USD')).toBe(483.74);
  });

  it('a quote with every kind of line, in order, summing to its total', () => {
    const q = quote({
      period: period('2027-07-01T10:00', '2027-07-09T10:00'),
      rates: usd(4000, { weeklyDailyMinor: 3500 }),
      rules: lax({
        seasons: [SUMMER],
        weekend: WEEKEND,
        extras: EXTRAS,
        charges: [{ name: 'AIRPORT', label: 'Airport fee', kind: 'fee', percentBp: 1110, appliesTo: ['rate'] }, NYC_SALES_TAX],
        drivers: { minimumAge: 21, youngDriver: { underAge: 25, dailyMinor: 2500, capMinor: 10_000 } },
      }),
      oneWay: ONE_WAY,
      returnLocation: 'SFO',
      extras: [{ code: 'CHILD_SEAT', quantity: 1 }],
      driverAge: 23,
    });
    expect(q.lines.map((line) => line.code)).toEqual([
      'BASE',
      'DISCOUNT',
      'SEASON',
      'WEEKEND',
      'ONE_WAY',
      'EXTRA:CHILD_SEAT',
      'YOUNG_DRIVER',
      'FEE:AIRPORT',
      'TAX:SALES',
    ]);
    expect(q.lines.reduce((sum, line) => sum + line.amountMinor, 0)).toBe(q.totalMinor);
    expect(q.subtotalMinor + q.taxTotalMinor).toBe(q.totalMinor);
  });
});

describe('priceRental: refusals', () => {
  const base: PriceInput = {
    period: period('2027-02-01T10:00', '2027-02-04T10:00'),
    carType: 'LUXURY',
    rates: usd(9000),
    rules: lax({
      extras: [{ code: 'CHILD_SEAT', label: 'Child seat', priceMinor: 1200, per: 'day', maxQuantity: 2, stock: 3 }],
      drivers: { minimumAge: 21, minimumAgeByType: { LUXURY: 25 } },
    }),
    oneWay: [{ from: 'LAX', to: 'SFO', dropFeeMinor: 7500 }],
  };

  it('names every broken rule with its field: unknown, repeated or too many extras, a one-way not allowed, an under-age driver', () => {
    const result = priceRental({
      ...base,
      extras: [
        { code: 'GPS', quantity: 1 },
        { code: 'CHILD_SEAT', quantity: 3 },
        { code: 'CHILD_SEAT', quantity: 1 },
      ],
      returnLocation: 'JFK',
      driverAge: 24,
    });
    expect(result).toEqual({
      ok: false,
      issues: [
        { field: 'extras.0.code', rule: 'EXTRA_UNKNOWN', message: 'LAX does not offer GPS (it offers: CHILD_SEAT).' },
        { field: 'extras.1.quantity', rule: 'EXTRA_QUANTITY', message: 'Choose 1 to 2 of CHILD_SEAT per rental.' },
        { field: 'extras.2.code', rule: 'EXTRA_DUPLICATE', message: 'CHILD_SEAT is listed twice: give its quantity once.' },
        {
          field: 'returnLocation',
          rule: 'ONE_WAY_NOT_ALLOWED',
          message: 'Cars picked up at LAX cannot be returned to JFK (one-way returns: SFO).',
        },
        { field: 'driverAge', rule: 'DRIVER_UNDER_MINIMUM_AGE', message: 'Drivers of LUXURY cars at LAX must be at least 25.' },
      ],
    });
  });

  it("takes the location's minimum age for car types without their own", () => {
    expect(priceRental({ ...base, carType: 'SEDAN', driverAge: 21 }).ok).toBe(true);
    expect(priceRental({ ...base, carType: 'SEDAN', driverAge: 20 })).toMatchObject({
      ok: false,
      issues: [{ rule: 'DRIVER_UNDER_MINIMUM_AGE' }],
    });
    expect(priceRental({ ...base, driverAge: 25 }).ok).toBe(true);
  });

  it('refuses a one-way rental where the location has no matrix entry at all', () => {
    expect(priceRental({ ...base, oneWay: undefined, returnLocation: 'SFO' })).toMatchObject({
      ok: false,
      issues: [{ field: 'returnLocation', rule: 'ONE_WAY_NOT_ALLOWED', message: 'Cars picked up at LAX cannot be returned to SFO.' }],
    });
  });

  it('throws for rates in another currency than the location (rules that contradict each other, not bad input)', () => {
    expect(() => priceRental({ ...base, rates: { currency: 'EUR', dailyMinor: 9000 } })).toThrow(RangeError);
  });
});

describe('searchTotal', () => {
  it("is the quote's total without extras, one-way or young driver: rates, dates, fees and taxes", () => {
    const rules = lax({
      seasons: [SUMMER],
      weekend: WEEKEND,
      charges: [NYC_SALES_TAX],
      extras: [{ code: 'GPS', label: 'GPS', priceMinor: 1000, per: 'rental', maxQuantity: 1 }],
      drivers: { minimumAge: 21, youngDriver: { underAge: 25, dailyMinor: 2500 } },
    });
    const rental = { period: period('2027-07-01T10:00', '2027-07-04T10:00'), carType: 'SEDAN' as const, rates: usd(4000), rules };
    const plain = quote(rental);
    expect(searchTotal(rental)).toBe(plain.totalMinor);
    expect(plain.totalMinor).toBe(15_500 + 1376); // 155.00 + 8.875 % (1375.625 -> 1376)
    const full = quote({ ...rental, extras: [{ code: 'GPS', quantity: 1 }], driverAge: 22 });
    expect(full.totalMinor).toBeGreaterThan(searchTotal(rental));
  });
});
