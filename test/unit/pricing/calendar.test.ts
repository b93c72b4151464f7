import { seasonFor, type SeasonRule } from '../../../lambdas/domain/pricing';
import { billedDayRules } from '../../../lambdas/domain/pricing/calendar';
import { at, lax, period, quote, rows } from './support';

const season = (name: string, from: string, to: string, kind: { multiplierBp: number } | { fixedDailyMinor: number }): SeasonRule => ({
  name,
  from,
  to,
  ...kind,
});

describe('seasonFor: the documented priority', () => {
  const summer = season('Summer', '2027-06-01', '2027-08-31', { multiplierBp: 12_000 });
  const july = season('July', '2027-07-01', '2027-07-31', { multiplierBp: 13_000 });
  const lateJuly = season('Late July', '2027-07-15', '2027-08-14', { multiplierBp: 14_000 });
  const fixedSummer = season('Fixed summer', '2027-06-01', '2027-08-31', { fixedDailyMinor: 5000 });

  it('includes both ends of a range and nothing outside', () => {
    expect(seasonFor('2027-06-01', [summer])).toBe(summer);
    expect(seasonFor('2027-08-31', [summer])).toBe(summer);
    expect(seasonFor('2027-05-31', [summer])).toBeUndefined();
    expect(seasonFor('2027-09-01', [summer])).toBeUndefined();
  });

  it('prefers a fixed daily price to any multiplier, however narrow', () => {
    expect(seasonFor('2027-07-10', [july, fixedSummer, summer])).toBe(fixedSummer);
  });

  it('prefers the narrower range among the same kind, then the later start; whatever the order listed', () => {
    for (const seasons of [
      [summer, july, lateJuly],
      [lateJuly, july, summer],
    ]) {
      expect(seasonFor('2027-07-10', seasons)).toBe(july);
      // July (31 days) and Late July (31 days) are as narrow: the later `from` wins.
      expect(seasonFor('2027-07-20', seasons)).toBe(lateJuly);
      expect(seasonFor('2027-08-10', seasons)).toBe(lateJuly);
      expect(seasonFor('2027-08-20', seasons)).toBe(summer);
    }
  });
});

describe('billedDayRules: billed days on the calendar', () => {
  const weekend = { days: ['saturday', 'sunday'] as ('saturday' | 'sunday')[], multiplierBp: 15_000 };
  const onlyOn = (date: string) => [season(date, date, date, { multiplierBp: 20_000 })];
  /** The name of each billed day's season when each date has its own one-day season: the days' dates. */
  const dates = (pickupMs: number, days: number, from: string, zone = 'America/Los_Angeles') => {
    const seasons = Array.from({ length: 5 }, (_, i) => onlyOn(new Date(Date.parse(from) + i * 86_400_000).toISOString().slice(0, 10))[0]);
    return billedDayRules(pickupMs, days, zone, { seasons }).map((day) => day.season?.name);
  };

  it("dates each day by the pick-up's local date plus i, never skipping or repeating a date across a DST change", () => {
    // Saturday 23:30 before spring forward to Monday 23:30: 47 hours elapsed, 2 billed days, Saturday and Sunday
    // (24 elapsed hours after the pick-up would already be Monday 00:30).
    const spring = period('2027-03-13T23:30', '2027-03-15T23:30');
    expect(dates(spring.pickupMs, 2, '2027-03-12')).toEqual(['2027-03-13', '2027-03-14']);
    expect(billedDayRules(spring.pickupMs, 2, spring.timeZone, { seasons: [], weekend }).map((day) => day.weekend)).toEqual([true, true]);
    expect(dates(at('2027-11-06T00:30'), 2, '2027-11-05')).toEqual(['2027-11-06', '2027-11-07']);
    expect(rows(quote({ period: spring, rules: lax({ weekend }) }))).toEqual([
      ['BASE', 2, 4000, 8000],
      ['WEEKEND', 2, 2000, 4000],
    ]);
  });

  it("uses the location's zone: Friday 20:00 in Los Angeles is Saturday in UTC, and priced as Friday", () => {
    const friday = period('2027-02-05T20:00', '2027-02-06T20:00');
    expect(new Date(friday.pickupMs).toISOString().slice(0, 10)).toBe('2027-02-06');
    expect(dates(friday.pickupMs, 1, '2027-02-04')).toEqual(['2027-02-05']);
    expect(billedDayRules(friday.pickupMs, 2, friday.timeZone, { seasons: [], weekend }).map((day) => day.weekend)).toEqual([false, true]);
  });

  it('knows every weekday', () => {
    // Monday 1 February 2027 to Monday 8 February: Monday to Sunday.
    const days = billedDayRules(at('2027-02-01T10:00'), 7, 'America/Los_Angeles', {
      seasons: [],
      weekend: { days: ['monday', 'wednesday', 'sunday'], multiplierBp: 1 },
    });
    expect(days.map((day) => day.weekend)).toEqual([true, false, true, false, false, false, true]);
  });
});
