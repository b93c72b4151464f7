import fc from 'fast-check';
import { dayInterval, occupies, type Interval } from '../../../lambdas/domain/fleet/interval';
import { parseRentalTime, readyAt } from '../../../lambdas/domain/rental-time';

const LA = 'America/Los_Angeles';

/** A rental fits a car exactly when none of the car's bookings occupies it (the rule as search and booking ask it). */
const fits = (existing: readonly Interval[], wanted: Interval): boolean => !existing.some((b) => occupies(b, wanted));
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (text: string): number => {
  const result = parseRentalTime(text, LA);
  if (!result.ok) throw new Error(result.message);
  return result.ms;
};

/** A rental as the calendar holds it and as a request: the same interval. */
const rental = (pickup: string, ret: string, turnaroundMinutes = 60) => {
  const readyMs = readyAt(at(ret), turnaroundMinutes);
  return { booking: { fromMs: at(pickup), readyMs }, request: { fromMs: at(pickup), readyMs } };
};

describe('occupies and fits: scenarios', () => {
  it('keeps a car returned at 10:00 for its 60-minute turnaround: out again at 11:00, not 10:30', () => {
    const { booking } = rental('2027-03-01T08:00', '2027-03-01T10:00');
    expect(booking.readyMs - at('2027-03-01T10:00')).toBe(HOUR);
    expect(occupies(booking, rental('2027-03-01T11:00', '2027-03-01T15:00').request)).toBe(false);
    expect(occupies(booking, rental('2027-03-01T10:30', '2027-03-01T15:00').request)).toBe(true);
    expect(occupies(booking, rental('2027-03-01T10:59', '2027-03-01T15:00').request)).toBe(true);
  });

  it('fits bookings separated by exactly the turnaround, in either order, and not one minute closer', () => {
    const first = rental('2027-03-01T08:00', '2027-03-01T10:00');
    const exact = rental('2027-03-01T11:00', '2027-03-01T13:00');
    const closer = rental('2027-03-01T10:59', '2027-03-01T13:00');
    expect(fits([first.booking], exact.request)).toBe(true);
    expect(fits([exact.booking], first.request)).toBe(true);
    expect(fits([first.booking], closer.request)).toBe(false);
    expect(fits([closer.booking], first.request)).toBe(false);
  });

  it("counts the request's own turnaround against a later booking", () => {
    const later = rental('2027-03-01T14:00', '2027-03-01T18:00');
    expect(fits([later.booking], rental('2027-03-01T08:00', '2027-03-01T13:00').request)).toBe(true);
    expect(fits([later.booking], rental('2027-03-01T08:00', '2027-03-01T13:01').request)).toBe(false);
  });

  it('sees a request inside, around, or overlapping either end of a booking, and nothing before or after it', () => {
    const { booking } = rental('2027-03-02T10:00', '2027-03-04T10:00');
    const req = (p: string, r: string) => occupies(booking, rental(p, r).request);
    expect(req('2027-03-02T12:00', '2027-03-03T12:00')).toBe(true);
    expect(req('2027-03-01T10:00', '2027-03-05T10:00')).toBe(true);
    expect(req('2027-03-01T10:00', '2027-03-02T09:01')).toBe(true);
    expect(req('2027-03-04T10:30', '2027-03-06T10:00')).toBe(true);
    expect(req('2027-03-01T10:00', '2027-03-02T09:00')).toBe(false);
    expect(req('2027-03-04T11:00', '2027-03-06T10:00')).toBe(false);
    expect(fits([], rental('2027-03-01T10:00', '2027-03-05T10:00').request)).toBe(true);
  });
});

describe('v1 periods on the same rule (00:00 UTC day boundaries)', () => {
  it('lets v1 bookings meet back to back, as today, and never overlap', () => {
    const first = dayInterval({ startDate: '2027-03-01', endDate: '2027-03-04' });
    expect(fits([first], dayInterval({ startDate: '2027-03-04', endDate: '2027-03-06' }))).toBe(true);
    expect(fits([dayInterval({ startDate: '2027-03-04', endDate: '2027-03-06' })], first)).toBe(true);
    expect(fits([first], dayInterval({ startDate: '2027-03-03', endDate: '2027-03-05' }))).toBe(false);
  });

  it('and v2 rentals around a v1 booking: out from its end instant, back (with turnaround) by its start', () => {
    // 2027-03-02..04 UTC days = 2027-03-01T16:00 .. 2027-03-03T16:00 in Los Angeles.
    const v1 = dayInterval({ startDate: '2027-03-02', endDate: '2027-03-04' });
    expect(fits([v1], rental('2027-03-03T16:00', '2027-03-05T10:00').request)).toBe(true);
    expect(fits([v1], rental('2027-03-03T15:59', '2027-03-05T10:00').request)).toBe(false);
    expect(fits([v1], rental('2027-03-01T10:00', '2027-03-01T15:00').request)).toBe(true);
    expect(fits([v1], rental('2027-03-01T10:00', '2027-03-01T15:01').request)).toBe(false);
    // A v2 booking already there blocks a v1 request the same way.
    expect(fits([rental('2027-03-01T10:00', '2027-03-01T15:30').booking], v1)).toBe(false);
  });
});

/**
 * Properties against a brute-force model: a timeline of whole minutes, where a rental takes every
 * minute from its pick-up up to (not including) its return plus turnaround.
 */
describe('occupies and fits: properties against a minute-by-minute model', () => {
  const BASE = Date.UTC(2027, 2, 1);
  const TIMELINE = 240;
  interface Minutes {
    pickup: number;
    ret: number;
    turnaround: number;
  }
  const rentalArb: fc.Arbitrary<Minutes> = fc
    .tuple(fc.integer({ min: 0, max: TIMELINE - 1 }), fc.integer({ min: 1, max: 90 }), fc.integer({ min: 0, max: 60 }))
    .map(([pickup, length, turnaround]) => ({ pickup, ret: pickup + length, turnaround }));

  const msOf = (minute: number) => BASE + minute * MINUTE;
  const bookingOf = (r: Minutes): Interval => ({ fromMs: msOf(r.pickup), readyMs: readyAt(msOf(r.ret), r.turnaround) });
  const requestOf = bookingOf;
  /** The minutes a rental takes in the model. */
  const minutesTaken = (r: Minutes): number[] => Array.from({ length: r.ret + r.turnaround - r.pickup }, (_, i) => r.pickup + i);

  it('occupies exactly when the two rentals share a minute', () => {
    fc.assert(
      fc.property(rentalArb, rentalArb, (b, request) => {
        const taken = new Set(minutesTaken(b));
        expect(occupies(bookingOf(b), requestOf(request))).toBe(minutesTaken(request).some((m) => taken.has(m)));
      }),
      { numRuns: 1000 },
    );
  });

  it('a request fits exactly when none of its minutes is taken by an existing booking', () => {
    fc.assert(
      fc.property(fc.array(rentalArb, { maxLength: 6 }), rentalArb, (existing, request) => {
        const taken = new Set(existing.flatMap(minutesTaken));
        expect(fits(existing.map(bookingOf), requestOf(request))).toBe(!minutesTaken(request).some((m) => taken.has(m)));
      }),
      { numRuns: 1000 },
    );
  });

  it('accepting each request that fits never takes a minute twice, and refuses only requests that would', () => {
    fc.assert(
      fc.property(fc.array(rentalArb, { maxLength: 12 }), (requests) => {
        const accepted: Minutes[] = [];
        for (const request of requests) {
          const taken = new Set(accepted.flatMap(minutesTaken));
          const clash = minutesTaken(request).some((m) => taken.has(m));
          expect(fits(accepted.map(bookingOf), requestOf(request))).toBe(!clash);
          if (!clash) accepted.push(request);
        }
        const all = accepted.flatMap(minutesTaken);
        expect(new Set(all).size).toBe(all.length);
      }),
      { numRuns: 500 },
    );
  });
});
