import { fieldIssues } from '../../../lambdas/shared/validation';
import { Charge, Extra, LocationPricing, OneWayMatrix, RateCard, SeasonRule, WeekendRule } from '../../../lambdas/domain/pricing';
import type * as z from '../../../lambdas/shared/zod';
import { lax } from './support';

/** The fields and messages a schema refuses a value with, as the API would report them. */
const refusals = (schema: z.ZodMiniType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? [] : fieldIssues('body', result.error).map(({ field, message }) => [field, message]);
};

describe('pricing rule schemas', () => {
  it('accepts rate cards with weekly, monthly and hourly prices, and refuses a "discount" above the daily price', () => {
    expect(
      refusals(RateCard, { currency: 'USD', dailyMinor: 4000, weeklyDailyMinor: 3500, monthlyDailyMinor: 3000, hourlyMinor: 900 }),
    ).toEqual([]);
    expect(refusals(RateCard, { currency: 'JPY', dailyMinor: 5000 })).toEqual([]);
    expect(refusals(RateCard, { currency: 'USD', dailyMinor: 4000, weeklyDailyMinor: 4500, monthlyDailyMinor: 4700 })).toEqual([
      ['body.weeklyDailyMinor', 'The weekly price per day is at most the daily price.'],
      ['body.monthlyDailyMinor', 'The monthly price per day is at most the weekly price per day.'],
    ]);
    expect(refusals(RateCard, { currency: 'ABC', dailyMinor: 40.5 }).map(([field]) => field)).toEqual(['body.currency', 'body.dailyMinor']);
    expect(refusals(RateCard, { currency: 'USD', dailyMinor: 4000, extra: 1 })).toEqual([
      ['body.extra', 'Unknown field; it is not accepted here.'],
    ]);
  });

  it('takes a season with either a multiplier or a fixed daily price, over an ordered date range', () => {
    expect(refusals(SeasonRule, { name: 'Summer', from: '2027-07-01', to: '2027-08-31', multiplierBp: 12_500 })).toEqual([]);
    expect(refusals(SeasonRule, { name: 'One day', from: '2027-07-04', to: '2027-07-04', fixedDailyMinor: 6000 })).toEqual([]);
    expect(refusals(SeasonRule, { name: 'Both', from: '2027-07-01', to: '2027-06-30', multiplierBp: 12_500, fixedDailyMinor: 1 })).toEqual([
      ['body.to', 'A season ends on or after its first day.'],
      ['body.multiplierBp', 'Give either multiplierBp or fixedDailyMinor.'],
    ]);
    expect(refusals(SeasonRule, { name: ' ', from: '2027-02-30', to: '2027-03-01', multiplierBp: 100_001 }).map(([f]) => f)).toEqual([
      'body.name',
      'body.from',
      'body.multiplierBp',
    ]);
  });

  it('takes weekend days once each', () => {
    expect(refusals(WeekendRule, { days: ['saturday', 'sunday'], multiplierBp: 11_000 })).toEqual([]);
    expect(refusals(WeekendRule, { days: ['saturday', 'saturday'], multiplierBp: 11_000 })).toEqual([['body.days', 'Name each day once.']]);
    expect(refusals(WeekendRule, { days: ['sat'], multiplierBp: 11_000 }).map(([f]) => f)).toEqual(['body.days.0']);
  });

  it('takes a fee or tax as a percentage of line groups or a fixed amount per rental or day', () => {
    expect(
      refusals(Charge, { name: 'SALES', label: 'Sales tax', kind: 'tax', percentBp: 887.5, appliesTo: ['rate', 'fees', 'extras'] }),
    ).toEqual([]);
    expect(refusals(Charge, { name: 'CFC', label: 'Facility charge', kind: 'fee', fixedMinor: 600, per: 'day' })).toEqual([]);
    expect(refusals(Charge, { name: 'X', label: 'x', kind: 'tax', percentBp: 887.125, appliesTo: ['rate'] })).toEqual([
      ['body.percentBp', 'Use at most 2 decimals (887.5 bp is 8.875 %).'],
    ]);
    expect(refusals(Charge, { name: 'X', label: 'x', kind: 'fee', percentBp: 500, per: 'day' })).toEqual([
      ['body.appliesTo', 'A percentage says which lines it applies to.'],
      ['body.per', 'A percentage applies to lines, not per rental or day: leave out per.'],
    ]);
    expect(refusals(Charge, { name: 'X', label: 'x', kind: 'fee', fixedMinor: 500, appliesTo: ['rate'] })).toEqual([
      ['body.per', 'A fixed amount is per rental or per day.'],
      ['body.appliesTo', 'Only a percentage applies to lines: leave out appliesTo.'],
    ]);
    expect(refusals(Charge, { name: 'X', label: 'x', kind: 'fee', percentBp: 500, appliesTo: ['rate', 'fees', 'rate'] })).toEqual([
      ['body.appliesTo', 'Name each group once.'],
      ['body.appliesTo', 'A fee is not computed on fees (a tax may be).'],
    ]);
    expect(refusals(Charge, { name: 'sales tax', label: 'x', kind: 'tax', fixedMinor: 1, per: 'rental' })).toEqual([
      ['body.name', 'Use capitals, digits and _ (such as CHILD_SEAT).'],
    ]);
  });

  it('takes extras with a code, a price per day (with an optional cap) or per rental, a maximum quantity and stock', () => {
    const seat = { code: 'CHILD_SEAT', label: 'Child seat', priceMinor: 1200, per: 'day', capMinor: 5000, maxQuantity: 3, stock: 4 };
    expect(refusals(Extra, seat)).toEqual([]);
    expect(refusals(Extra, { ...seat, per: 'rental' })).toEqual([['body.capMinor', 'Only a price per day has a cap.']]);
    expect(refusals(Extra, { ...seat, code: 'child-seat', maxQuantity: 0, stock: -1 }).map(([f]) => f)).toEqual([
      'body.code',
      'body.maxQuantity',
      'body.stock',
    ]);
  });

  it('takes a one-way matrix of distinct pairs between known locations', () => {
    expect(refusals(OneWayMatrix, [{ from: 'LAX', to: 'SFO', dropFeeMinor: 7500 }])).toEqual([]);
    expect(refusals(OneWayMatrix, [{ from: 'LAX', to: 'LAX', dropFeeMinor: 0 }])).toEqual([
      ['body.0.to', 'A one-way rental returns elsewhere.'],
    ]);
    const twice = [
      { from: 'LAX', to: 'SFO', dropFeeMinor: 7500 },
      { from: 'LAX', to: 'SFO', dropFeeMinor: 5000 },
    ];
    expect(refusals(OneWayMatrix, twice)).toEqual([['body', 'List each pair once.']]);
    expect(refusals(OneWayMatrix, [{ from: 'XXX', to: 'SFO', dropFeeMinor: 1 }]).map(([f]) => f)).toEqual(['body.0.from']);
  });

  it("takes a location's rules, refusing duplicates that would make a price ambiguous", () => {
    const rules = lax({
      seasons: [{ name: 'Summer', from: '2027-07-01', to: '2027-08-31', multiplierBp: 12_500 }],
      weekend: { days: ['saturday', 'sunday'], multiplierBp: 11_000 },
      charges: [{ name: 'SALES', label: 'Sales tax', kind: 'tax', percentBp: 950, appliesTo: ['rate'] }],
      extras: [{ code: 'GPS', label: 'GPS', priceMinor: 1000, per: 'rental', maxQuantity: 1 }],
      drivers: { minimumAge: 21, minimumAgeByType: { LUXURY: 25 }, youngDriver: { underAge: 25, dailyMinor: 2500, capMinor: 10_000 } },
    });
    expect(refusals(LocationPricing, rules)).toEqual([]);
    expect(
      refusals(LocationPricing, {
        ...rules,
        seasons: [...rules.seasons, { ...rules.seasons[0], name: 'Again', multiplierBp: 13_000 }],
        charges: [...rules.charges, ...rules.charges],
        extras: [...rules.extras, ...rules.extras],
      }),
    ).toEqual([
      ['body.charges', 'Name each charge once.'],
      ['body.extras', 'List each extra once.'],
      ['body.seasons', 'Two seasons of the same kind cover the same dates.'],
    ]);
    expect(refusals(LocationPricing, { ...rules, drivers: { minimumAge: 15, minimumAgeByType: { BUS: 30 } } }).map(([f]) => f)).toEqual([
      'body.drivers.minimumAge',
      'body.drivers.minimumAgeByType.BUS',
    ]);
  });
});
