import fc from 'fast-check';
import { fits, occupies, parseRentalTime, readyAt, v1Interval, type Occupancy } from '../../../lambdas/domain/rental-time';

const LA = 'America/Los_Angeles';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (text: string): number => {
  const result = parseRentalTime(text, LA);
  if (!result.ok) throw new Error(result.message);
  return result.ms;
};

/** A rental as the calendar holds it (`fromMs`, `readyMs`) and as a request (`pickupMs`, `readyMs`). */
const rental = (pickup: string, ret: string, turnaroundMinutes = 60) => {
  const readyMs = readyAt(at(ret), turnaroundMinutes);
  return { booking: { fromMs: at(pickup), readyMs }, request: { pickupMs: at(pickup), readyMs } };
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

describe('v1Interval', () => {
  it('runs from local midnight of startDate to local midnight of endDate, the car ready at the end', () => {
    expect(v1Interval('2027-03-01', '2027-03-04', LA)).toEqual({
      pickupMs: Date.parse('2027-03-01T08:00:00Z'),
      returnMs: Date.parse('2027-03-04T08:00:00Z'),
      readyMs: Date.parse('2027-03-04T08:00:00Z'),
    });
  });

  it('follows the local day boundaries across DST (a 23-hour and a 25-hour day)', () => {
    const spring = v1Interval('2027-03-14', '2027-03-15', LA);
    expect(spring.returnMs - spring.pickupMs).toBe(23 * HOUR);
    const fall = v1Interval('2027-11-07', '2027-11-08', LA);
    expect(fall.returnMs - fall.pickupMs).toBe(25 * HOUR);
    const phoenix = v1Interval('2027-03-14', '2027-03-15', 'America/Phoenix');
    expect([phoenix.pickupMs, phoenix.returnMs - phoenix.pickupMs]).toEqual([Date.parse('2027-03-14T07:00:00Z'), 24 * HOUR]);
  });

  it('lets v1 bookings meet back to back, as today, and never overlap', () => {
    const asBooking = ({ pickupMs, readyMs }: { pickupMs: number; readyMs: number }): Occupancy => ({ fromMs: pickupMs, readyMs });
    const first = v1Interval('2027-03-01', '2027-03-04', LA);
    expect(fits([asBooking(first)], v1Interval('2027-03-04', '2027-03-06', LA))).toBe(true);
    expect(fits([asBooking(v1Interval('2027-03-04', '2027-03-06', LA))], first)).toBe(true);
    expect(fits([asBooking(first)], v1Interval('2027-03-03', '2027-03-05', LA))).toBe(false);
  });

  it('and v2 rentals around a v1 booking: out on its end date, back (with turnaround) by its start', () => {
    const v1 = v1Interval('2027-03-02', '2027-03-04', LA);
    const existing = [{ fromMs: v1.pickupMs, readyMs: v1.readyMs }];
    expect(fits(existing, rental('2027-03-04T00:00', '2027-03-05T10:00').request)).toBe(true);
    expect(fits(existing, rental('2027-03-03T23:00', '2027-03-05T10:00').request)).toBe(false);
    expect(fits(existing, rental('2027-03-01T10:00', '2027-03-01T23:00').request)).toBe(true);
    expect(fits(existing, rental('2027-03-01T10:00', '2027-03-01T23:01').request)).toBe(false);
    // A v2 booking already there blocks a v1 request the same way.
    expect(fits([rental('2027-03-01T10:00', '2027-03-01T23:30').booking], v1)).toBe(false);
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
  const bookingOf = (r: Minutes): Occupancy => ({ fromMs: msOf(r.pickup), readyMs: readyAt(msOf(r.ret), r.turnaround) });
  const requestOf = (r: Minutes) => ({ pickupMs: msOf(r.pickup), readyMs: readyAt(msOf(r.ret), r.turnaround) });
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
