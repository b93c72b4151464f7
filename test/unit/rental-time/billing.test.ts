import { dayInterval } from '../../../lambdas/domain/fleet/interval';
import { billedDays, parseRentalTime, periodPriceMinor } from '../../../lambdas/domain/rental-time';

const LA = 'America/Los_Angeles';
const PHX = 'America/Phoenix';
const GRACE = 29;

const at = (text: string, zone = LA): number => {
  const result = parseRentalTime(text, zone);
  if (!result.ok) throw new Error(result.message);
  return result.ms;
};
const days = (pickup: string, ret: string, zone = LA, grace = GRACE) => billedDays(at(pickup, zone), at(ret, zone), zone, grace);

describe('billedDays', () => {
  it('bills each started 24 hours after the grace period', () => {
    expect(days('2027-02-01T10:00', '2027-02-04T10:00')).toBe(3);
    expect(days('2027-02-01T10:00', '2027-02-04T10:20')).toBe(3);
    expect(days('2027-02-01T10:00', '2027-02-04T10:29')).toBe(3);
    expect(days('2027-02-01T10:00', '2027-02-04T10:30')).toBe(4);
    expect(days('2027-02-01T10:00', '2027-02-04T10:40')).toBe(4);
    expect(days('2027-02-01T10:00', '2027-02-04T09:00')).toBe(3);
    expect(days('2027-02-01T10:00', '2027-02-04T10:30', LA, 0)).toBe(4);
    expect(days('2027-02-01T10:00', '2027-02-04T10:01', LA, 0)).toBe(4);
  });

  it('bills at least one day', () => {
    expect(days('2027-02-01T10:00', '2027-02-01T11:00')).toBe(1);
    expect(days('2027-02-01T10:00', '2027-02-02T10:29')).toBe(1);
    expect(days('2027-02-01T10:00', '2027-02-02T10:30')).toBe(2);
  });

  it('bills the same time next day as one day across spring forward (23 hours elapsed) and fall back (25 hours)', () => {
    expect(at('2027-03-14T10:00') - at('2027-03-13T10:00')).toBe(23 * 3_600_000);
    expect(days('2027-03-13T10:00', '2027-03-14T10:00')).toBe(1);
    expect(at('2027-11-07T10:00') - at('2027-11-06T10:00')).toBe(25 * 3_600_000);
    expect(days('2027-11-06T10:00', '2027-11-07T10:00')).toBe(1);
    // Fall back: the grace is counted on the clock too, the extra elapsed hour is not billed.
    expect(days('2027-11-06T10:00', '2027-11-07T10:29')).toBe(1);
    expect(days('2027-11-06T10:00', '2027-11-07T10:30')).toBe(2);
  });

  it('bills 24 elapsed hours as one day across spring forward, though the clock moved 25 hours', () => {
    expect(at('2027-03-14T11:00') - at('2027-03-13T10:00')).toBe(24 * 3_600_000);
    expect(days('2027-03-13T10:00', '2027-03-14T11:00')).toBe(1);
    expect(days('2027-03-13T10:00', '2027-03-14T11:29')).toBe(1);
    expect(days('2027-03-13T10:00', '2027-03-14T11:30')).toBe(2);
  });

  it('counts a rental inside the repeated hour of a fall-back night as one day', () => {
    expect(billedDays(at('2027-11-07T01:30-07:00'), at('2027-11-07T01:10-08:00'), LA, GRACE)).toBe(1);
  });

  it('is plain 24-hour arithmetic in Phoenix, which keeps no daylight saving time', () => {
    expect(days('2027-03-13T10:00', '2027-03-14T10:00', PHX)).toBe(1);
    expect(days('2027-03-13T10:00', '2027-03-14T10:30', PHX)).toBe(2);
    expect(days('2027-11-06T10:00', '2027-11-07T10:29', PHX)).toBe(1);
  });

  it("bills a v1 period's days, across DST changes too (v1's 3 days x 40 = 120)", () => {
    for (const [start, end, n] of [
      ['2027-02-01', '2027-02-04', 3],
      ['2027-03-13', '2027-03-16', 3],
      ['2027-11-06', '2027-11-09', 3],
      ['2027-03-01', '2027-03-31', 30],
    ] as const) {
      const { fromMs, readyMs } = dayInterval({ startDate: start, endDate: end });
      expect([start, billedDays(fromMs, readyMs, LA, GRACE)]).toEqual([start, n]);
    }
    const { fromMs, readyMs } = dayInterval({ startDate: '2027-02-01', endDate: '2027-02-04' });
    expect(periodPriceMinor(4000, billedDays(fromMs, readyMs, LA, GRACE))).toBe(12_000);
  });
});

describe('periodPriceMinor', () => {
  it('multiplies exactly in minor units', () => {
    expect(periodPriceMinor(4000, 3)).toBe(12_000);
    expect(periodPriceMinor(1999, 7)).toBe(13_993);
    expect(periodPriceMinor(0, 2)).toBe(0);
  });

  it.each([
    [40.5, 3],
    [4000, 0],
    [4000, 1.5],
    [-1, 3],
    [Number.MAX_SAFE_INTEGER, 2],
  ])('refuses %p minor units x %p days', (daily, n) => {
    expect(() => periodPriceMinor(daily, n)).toThrow(RangeError);
  });
});
