import { allowanceDays, fuelLines, lateLines, mileageLines, returnCharges } from '../../../lambdas/domain/counter/charges';
import { DEFAULT_COUNTER_RULES, termsFor, type RentalTerms } from '../../../lambdas/domain/counter/terms';
import type { Charge } from '../../../lambdas/domain/pricing/rules';

const HOUR = 3_600_000;
const PICKUP = Date.parse('2030-03-01T10:00:00Z');
const RETURN = PICKUP + 3 * 24 * HOUR;
// A 90.00 day and a 25.00 hour: four late hours cost more than a day, so they are a day.
const terms: RentalTerms = {
  noShowAfterMinutes: 120,
  noShowFeeMinor: 5_000,
  lateGraceMinutes: 29,
  lateHourlyMinor: 2_500,
  lateDailyMinor: 9_000,
  fuelPerEighthMinor: 1_500,
  kmPerDay: 200,
  perKmMinor: 25,
  depositMinor: 20_000,
};
const rental = { pickupMs: PICKUP, returnMs: RETURN, terms, out: { odometerKm: 10_000, fuelLevel: 8 } };
const total = (lines: Array<{ amountMinor: number }>) => lines.reduce((sum, l) => sum + l.amountMinor, 0);

describe('the return’s charges', () => {
  it('a return within the grace is not late; one minute past it is an hour', () => {
    expect(lateLines(rental, RETURN + 29 * 60_000)).toEqual([]);
    expect(lateLines(rental, RETURN + 30 * 60_000)).toEqual([
      { code: 'LATE_RETURN', label: 'Late return, per started hour', quantity: 1, unitMinor: 2_500, amountMinor: 2_500 },
    ]);
  });

  it('late hours cost at most a day; whole days beyond', () => {
    expect(total(lateLines(rental, RETURN + 3 * HOUR))).toBe(7_500);
    expect(lateLines(rental, RETURN + 4 * HOUR)).toEqual([
      { code: 'LATE_RETURN', label: 'Late return, per day', quantity: 1, unitMinor: 9_000, amountMinor: 9_000 },
    ]);
    // 26 hours: a day and 2 hours.
    expect(lateLines(rental, RETURN + 26 * HOUR).map((l) => [l.quantity, l.unitMinor])).toEqual([
      [1, 9_000],
      [2, 2_500],
    ]);
    // 47 hours: 1 day + 23 hours, the hours a day: 2 days.
    expect(lateLines(rental, RETURN + 47 * HOUR).map((l) => [l.quantity, l.unitMinor])).toEqual([[2, 9_000]]);
  });

  it('fuel below the pick-up level, per eighth; none when it comes back fuller', () => {
    expect(fuelLines(rental, { odometerKm: 0, fuelLevel: 5 })).toEqual([
      { code: 'FUEL', label: 'Refuelling, per eighth of a tank below pick-up', quantity: 3, unitMinor: 1_500, amountMinor: 4_500 },
    ]);
    expect(fuelLines({ ...rental, out: { odometerKm: 0, fuelLevel: 4 } }, { odometerKm: 0, fuelLevel: 8 })).toEqual([]);
  });

  it('mileage over the allowance per booked day; unlimited without one', () => {
    expect(allowanceDays(rental)).toBe(3);
    expect(allowanceDays({ pickupMs: PICKUP, returnMs: PICKUP + 2 * HOUR })).toBe(1);
    expect(mileageLines(rental, { odometerKm: 10_600, fuelLevel: 8 })).toEqual([]);
    expect(total(mileageLines(rental, { odometerKm: 10_650, fuelLevel: 8 }))).toBe(50 * 25);
    const unlimited = { ...rental, terms: { ...terms, kmPerDay: undefined, perKmMinor: undefined } };
    expect(mileageLines(unlimited, { odometerKm: 99_999, fuelLevel: 8 })).toEqual([]);
  });

  it('an on-time, full return within the mileage costs nothing; a late, short one sums its lines', () => {
    expect(returnCharges(rental, { odometerKm: 10_100, fuelLevel: 8, atMs: RETURN })).toEqual([]);
    const lines = returnCharges(rental, { odometerKm: 10_700, fuelLevel: 6, atMs: RETURN + 2 * HOUR });
    expect(lines.map((l) => l.code)).toEqual(['LATE_RETURN', 'FUEL', 'MILEAGE']);
    expect(total(lines)).toBe(5_000 + 3_000 + 100 * 25);
  });

  it('terms: the car type’s deposit and allowance; an hour without an hourly rate is a quarter of the day, at most the day', () => {
    const rules = {
      ...DEFAULT_COUNTER_RULES,
      noShowFeeBp: 2_500,
      depositByType: { LUXURY: 100_000 },
      mileage: { kmPerDay: 250, kmPerDayByType: { LUXURY: 150 }, perKmMinor: 30 },
    };
    const luxury = termsFor(rules, 'LUXURY', { currency: 'USD', dailyMinor: 20_000 }, 60_000);
    expect(luxury).toMatchObject({ depositMinor: 100_000, kmPerDay: 150, perKmMinor: 30, lateHourlyMinor: 5_000, noShowFeeMinor: 15_000 });
    expect(termsFor(rules, 'SUV', { currency: 'USD', dailyMinor: 9_000, hourlyMinor: 20_000 }, 0)).toMatchObject({
      depositMinor: DEFAULT_COUNTER_RULES.depositMinor,
      kmPerDay: 250,
      lateHourlyMinor: 9_000,
    });
    expect(termsFor(DEFAULT_COUNTER_RULES, 'SUV', { currency: 'USD', dailyMinor: 9_000 }, 0).kmPerDay).toBeUndefined();
  });

  describe('taxes', () => {
    // The demo's charges: a fee on the rate, a sales tax on everything, and a fixed tax per rental.
    const charges: Charge[] = [
      { name: 'AIRPORT_FEE', label: 'Airport fee', kind: 'fee', percentBp: 1_111, appliesTo: ['rate'] },
      { name: 'SALES_TAX', label: 'Sales tax', kind: 'tax', percentBp: 950, appliesTo: ['rate', 'fees', 'extras'] },
      { name: 'EXTRAS_TAX', label: 'Tax on extras', kind: 'tax', percentBp: 500, appliesTo: ['extras'] },
      { name: 'TOURISM', label: 'Tourism levy', kind: 'tax', fixedMinor: 300, per: 'rental' },
    ];
    const kept = termsFor(DEFAULT_COUNTER_RULES, 'SEDAN', { currency: 'USD', dailyMinor: 9_000 }, 27_000, charges);
    const taxed = { ...rental, terms: { ...terms, taxes: kept.taxes } };

    it('a rental keeps its location’s percentage taxes in its terms (not its fees, nor a fixed tax, charged once with the quote)', () => {
      expect(kept.taxes?.map((t) => t.name)).toEqual(['SALES_TAX', 'EXTRAS_TAX']);
      expect(termsFor(DEFAULT_COUNTER_RULES, 'SEDAN', { currency: 'USD', dailyMinor: 9_000 }, 0, []).taxes).toBeUndefined();
    });

    it('the return’s lines pay the taxes on the rate, as the quote’s rental lines do: one line per tax, on the rounded lines', () => {
      const lines = returnCharges(taxed, { odometerKm: 10_700, fuelLevel: 6, atMs: RETURN + 2 * HOUR });
      const untaxed = 5_000 + 3_000 + 100 * 25;
      expect(lines.map((l) => l.code)).toEqual(['LATE_RETURN', 'FUEL', 'MILEAGE', 'TAX:SALES_TAX']);
      // 9.5 % of 105.00 is 9.975: rounded half-even once, 9.98; the extras-only tax has nothing to apply to.
      expect(lines.at(-1)).toEqual({ code: 'TAX:SALES_TAX', label: 'Sales tax', quantity: 1, unitMinor: 998, amountMinor: 998 });
      expect(total(lines)).toBe(untaxed + 998);
    });

    it('nothing to charge: no tax line either; terms without taxes (booked before they were kept): none', () => {
      expect(returnCharges(taxed, { odometerKm: 10_100, fuelLevel: 8, atMs: RETURN })).toEqual([]);
      expect(returnCharges(rental, { odometerKm: 10_100, fuelLevel: 7, atMs: RETURN }).map((l) => l.code)).toEqual(['FUEL']);
    });
  });
});
