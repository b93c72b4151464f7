import { dayInterval } from '../../../lambdas/domain/fleet/interval';
import { dueSortKey } from '../../../lambdas/adapters/bookings/reservation-item';
import {
  bookingLimits,
  bookingPeriodProblems,
  DEFAULT_BOOKING_LIMITS,
  limitRefusal,
  type CustomerUsage,
} from '../../../lambdas/domain/bookings/limits';
import { ENV } from '../../../lambdas/shared/env-names';

const NOW = new Date('2026-12-03T21:00:00Z');
const DAY_MS = 86_400_000;
const dayAt = (offset: number) => new Date(NOW.getTime() + offset * DAY_MS).toISOString().slice(0, 10);
const ms = (isoDay: string) => Date.parse(`${isoDay}T00:00:00Z`);

describe('the sweeper’s due key', () => {
  const now = dueSortKey(NOW.getTime(), '~');

  it('sorts a due time in year 2300 after now (the 13-digit key sorted it before, starving the sweeper)', () => {
    expect(dueSortKey(ms('2300-01-01'), 'r1') > now).toBe(true);
    expect(dueSortKey(ms('2300-01-01'), 'r1') > dueSortKey(ms('2286-11-20'), 'r1')).toBe(true);
  });

  it('orders due times at the horizon edge as time orders them, and all of them after now', () => {
    const edge = [364, 365, 366, 395, 396].map((d) => ms(dayAt(d)));
    const keys = edge.map((t) => dueSortKey(t, 'r'));
    expect([...keys].sort()).toEqual(keys);
    for (const key of keys) expect(key > now).toBe(true);
    expect(dueSortKey(NOW.getTime() - 1, 'z') < now).toBe(true);
  });

  it('keeps one width for every time, clamped to years 1970..9999', () => {
    for (const t of [-5, 0, NOW.getTime(), ms('9999-12-31'), 8.64e15])
      expect(dueSortKey(t, 'r')).toMatch(/^AT#\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z#r$/);
    expect(dueSortKey(8.64e15, 'r') >= dueSortKey(ms('9999-12-31'), 'r')).toBe(true);
  });

  it('sorts every key of the old numeric form before every new key, so the sweeper meets old items at once', () => {
    for (const old of ['0000000000000#r', '1796334638547#r', '9999999999999#r', '10413792000000#r'])
      expect(old < dueSortKey(0, 'r')).toBe(true);
  });
});

describe('the booking horizon and the longest rental', () => {
  const problems = (from: number, to: number, limits = DEFAULT_BOOKING_LIMITS) =>
    bookingPeriodProblems({ startDate: dayAt(from), endDate: dayAt(to) }, NOW, limits);

  it('the pick-up day may be 365 days ahead, not 366', () => {
    expect(problems(365, 366)).toEqual([]);
    expect(problems(366, 367)).toEqual([expect.objectContaining({ field: 'startDate', message: expect.stringMatching(/365 days/) })]);
    expect(bookingPeriodProblems({ startDate: '9999-11-01', endDate: '9999-11-02' }, NOW, DEFAULT_BOOKING_LIMITS)).toEqual([
      expect.objectContaining({ field: 'startDate' }),
    ]);
  });

  it('30 days is the longest rental by default; a configured limit replaces it', () => {
    expect(problems(1, 31)).toEqual([]);
    expect(problems(1, 32)).toEqual([expect.objectContaining({ field: 'endDate' })]);
    expect(problems(1, 9, { ...DEFAULT_BOOKING_LIMITS, maxRentalDays: 7 })).toEqual([expect.objectContaining({ field: 'endDate' })]);
  });
});

describe('limitRefusal on times (v2)', () => {
  const H = 3_600_000;
  const base = Date.UTC(2030, 4, 10, 9);
  const rental = (id: string, fromH: number, toH: number): CustomerUsage => ({
    reservationId: id,
    fromMs: base + fromH * H,
    readyMs: base + toH * H,
  });
  it('counts rentals that overlap in time, not those that only share a day', () => {
    const wanted = (fromH: number, toH: number) => ({ fromMs: base + fromH * H, readyMs: base + toH * H });
    const now = new Date(base - 24 * H);
    expect(limitRefusal([rental('a', 0, 2), rental('b', 4, 6)], wanted(8, 10), now, DEFAULT_BOOKING_LIMITS)).toBeUndefined();
    expect(limitRefusal([rental('a', 0, 2), rental('b', 1, 6)], wanted(1, 3), now, DEFAULT_BOOKING_LIMITS)).toMatchObject({
      code: 'OVERLAP_LIMIT_REACHED',
    });
    // Two that overlap the wanted rental but not each other: never two at once.
    expect(limitRefusal([rental('a', 0, 2), rental('b', 4, 6)], wanted(1, 5), now, DEFAULT_BOOKING_LIMITS)).toBeUndefined();
  });
});

describe('limitRefusal', () => {
  const hold = (id: string, from: number, to: number, untilMs = NOW.getTime() + 60_000): CustomerUsage => ({
    reservationId: id,
    ...dayInterval({ startDate: dayAt(from), endDate: dayAt(to) }),
    until: untilMs,
  });
  const booking = (id: string, from: number, to: number): CustomerUsage => ({
    reservationId: id,
    ...dayInterval({ startDate: dayAt(from), endDate: dayAt(to) }),
  });
  const refuse = (usage: CustomerUsage[], from: number, to: number) =>
    limitRefusal(usage, dayInterval({ startDate: dayAt(from), endDate: dayAt(to) }), NOW, DEFAULT_BOOKING_LIMITS);

  it('refuses a fourth open hold, not a third; lapsed holds and paid bookings are not open holds', () => {
    expect(refuse([hold('a', 1, 2), hold('b', 3, 4)], 5, 6)).toBeUndefined();
    expect(refuse([hold('a', 1, 2), hold('b', 3, 4), hold('c', 5, 6)], 7, 8)).toMatchObject({
      code: 'HOLD_LIMIT_REACHED',
      reservationIds: ['a', 'b', 'c'],
    });
    expect(refuse([hold('a', 1, 2), hold('b', 3, 4), hold('c', 5, 6, NOW.getTime())], 7, 8)).toBeUndefined();
    expect(refuse([hold('a', 1, 2), hold('b', 3, 4), booking('c', 5, 6)], 7, 8)).toBeUndefined();
  });

  it('refuses a third reservation on a day that has two, counting day by day', () => {
    expect(refuse([booking('a', 10, 15), hold('b', 12, 13)], 12, 14)).toMatchObject({ code: 'OVERLAP_LIMIT_REACHED' });
    // Two reservations inside the period that never share a day leave room for one more.
    expect(refuse([booking('a', 10, 12), booking('b', 13, 15)], 10, 15)).toBeUndefined();
    expect(refuse([booking('a', 10, 12), booking('b', 11, 15)], 14, 16)).toBeUndefined();
    // A booking whose return day has passed no longer counts.
    expect(refuse([booking('a', -5, 0), booking('b', -5, 1)], 0, 1)).toBeUndefined();
  });
});

describe('bookingLimits: the numbers are configuration', () => {
  const names = [ENV.maxLiveHolds, ENV.maxOverlappingBookings, ENV.bookingHorizonDays, ENV.maxRentalDays];
  afterEach(() => names.forEach((name) => delete process.env[name]));

  it('defaults to 3 live holds, 2 on one day, 365 days ahead, 30-day rentals', () => {
    expect(bookingLimits()).toEqual({ maxLiveHolds: 3, maxOverlapping: 2, horizonDays: 365, maxRentalDays: 30 });
  });

  it('reads each from its variable; the longest rental never above the published 30 days; nonsense fails fast', () => {
    Object.assign(process.env, {
      [ENV.maxLiveHolds]: '5',
      [ENV.maxOverlappingBookings]: '4',
      [ENV.bookingHorizonDays]: '90',
      [ENV.maxRentalDays]: '60',
    });
    expect(bookingLimits()).toEqual({ maxLiveHolds: 5, maxOverlapping: 4, horizonDays: 90, maxRentalDays: 30 });
    process.env[ENV.maxLiveHolds] = 'three';
    expect(() => bookingLimits()).toThrow(/BOOKING_MAX_LIVE_HOLDS/);
  });
});
