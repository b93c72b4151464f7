import { intervalOf, type Reservation } from '../../lambdas/domain/bookings/reservation';
import { occupies, type Interval } from '../../lambdas/domain/fleet/interval';
import { locationProfile } from '../../lambdas/domain/rental-time/locations';
import {
  call,
  createCar,
  day,
  decidedReservations,
  pollReservation,
  registerCustomers,
  reservationOf,
  runtimeNow,
  type Customer,
  type ReservationView,
} from '../support/booking-client';
import { bookingTables, type BookingTables } from '../support/booking-tables';
import { prng } from '../support/prng';
import { adminToken } from '../support/tokens';

/**
 * v2's races over HTTP, as booking-races.test.ts does for v1: customers at once against the local
 * runtime, the outcome read from the API and straight from the tables, judged on the one interval rule
 * (a booking takes its car from pick-up until its return plus the location's turnaround).
 *
 * The cars are at PHX, which no other e2e file uses: America/Phoenix keeps -07:00 all year (no DST), so
 * the instants a local time names are computed here without the code under test; desks open 06:00-23:00.
 */
const LOCATION = 'PHX';
const OFFSET = '-07:00';
const { turnaroundMinutes: TURNAROUND } = locationProfile(LOCATION);
const MINUTE = 60_000;
const DAY = 86_400_000;

let admin: string;
let tables: BookingTables;
/** Fifty freshly registered customers, shared by every race of the file. */
let customers: Customer[];

beforeAll(async () => {
  [admin, customers, tables] = await Promise.all([adminToken(), registerCustomers(50), bookingTables()]);
});
afterAll(() => tables?.destroy());

// ---- What is asked, and the interval it must take the car for (computed here, not by the code) ----

type V1Body = { carId: string; startDate: string; endDate: string };
type V2Body = { carId: string; pickupAt: string; returnAt: string };
type Asked = { version: 'v1'; body: V1Body } | { version: 'v2'; body: V2Body };

/** `YYYY-MM-DDTHH:MM` at the location: `date` plus `minutes` (which may run into later days). */
const at = (date: string, minutes: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + minutes * MINUTE).toISOString().slice(0, 16);
const plusDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const instant = (local: string): number => Date.parse(`${local}:00${OFFSET}`);

/** v1: 00:00 UTC of the first day to 00:00 UTC of the return day; v2: pick-up to return plus the turnaround. */
const expectedInterval = (asked: Asked): Interval =>
  asked.version === 'v1'
    ? { fromMs: Date.parse(`${asked.body.startDate}T00:00:00Z`), readyMs: Date.parse(`${asked.body.endDate}T00:00:00Z`) }
    : { fromMs: instant(asked.body.pickupAt), readyMs: instant(asked.body.returnAt) + TURNAROUND * MINUTE };

const v1 = (carId: string, startDate: string, endDate: string): Asked => ({ version: 'v1', body: { carId, startDate, endDate } });
const v2 = (carId: string, pickupAt: string, returnAt: string): Asked => ({ version: 'v2', body: { carId, pickupAt, returnAt } });

/** Books as `customer` in the request's version, waiting for the decision (Prefer: wait, then polling): the decided reservation. */
const book = async (customer: Customer, asked: Asked): Promise<ReservationView> => {
  const answer = await call('POST', '/reservations', {
    token: customer.token,
    body: asked.body,
    version: asked.version,
    headers: { prefer: 'wait=10' },
  });
  const r = reservationOf(answer);
  return r.status === 'Requested' ? pollReservation(customer.token, r.reservationId) : r;
};

/** The car's calendar as it must be: exactly these held reservations, each on its interval, as they are held. */
const calendarOf = (held: Array<{ reservation: Reservation; asked: Asked }>) =>
  Object.fromEntries(
    held.map(({ reservation: r, asked }) => [
      r.reservationId,
      {
        kind: 'reservation',
        ...expectedInterval(asked),
        ...(asked.version === 'v1' ? { from: asked.body.startDate, to: asked.body.endDate } : {}),
        status: r.status,
        holdExpiresAt: r.holdExpiresAt,
      },
    ]),
  );

/** This car's reservations as written, each with what was asked for it. */
const writtenFor = async (carId: string, asked: Map<string, Asked>) =>
  (await tables.reservationsOfCars([carId])).map((reservation) => ({ reservation, asked: asked.get(reservation.reservationId)! }));

describe('v2 booking races over HTTP', () => {
  it('50 customers book one car for overlapping times at the same moment: exactly one hold, 49 CAR_TAKEN, none undecided', async () => {
    const carId = await createCar(admin, { location: LOCATION });
    // Pick-ups 09:00-10:59 and returns 13:00-16:59, to the minute: every interval holds 11:00-13:00.
    const date = day(30);
    const asked = customers.map((_, i) => v2(carId, at(date, 9 * 60 + ((i * 7) % 120)), at(date, 13 * 60 + ((i * 11) % 240))));

    const answers = await Promise.all(
      customers.map((c, i) =>
        call('POST', '/reservations', { token: c.token, body: asked[i].body, version: 'v2', headers: { prefer: 'wait=10' } }),
      ),
    );
    expect(answers.every((a) => [201, 202, 409].includes(a.status))).toBe(true);
    // A winner answered at once is the only 201.
    expect(answers.filter((a) => a.status === 201).length).toBeLessThanOrEqual(1);
    const decided = await Promise.all(
      answers.map(async (answer, i) => {
        const r = reservationOf(answer);
        return r.status === 'Requested' ? pollReservation(customers[i].token, r.reservationId) : r;
      }),
    );
    expect(new Set(decided.map((r) => r.reservationId)).size).toBe(50);
    decided.forEach((r, i) => expect(r.userId).toBe(customers[i].userId));
    expect(decided.filter((r) => r.status === 'Pending')).toHaveLength(1);
    expect(decided.filter((r) => r.status === 'Rejected' && r.reason?.code === 'CAR_TAKEN')).toHaveLength(49);

    // Straight from the tables: 50 reservations, one Pending, 49 Rejected CAR_TAKEN, none Requested; the
    // car's calendar holds the winner on its interval (turnaround included) and nobody else.
    const byId = new Map(decided.map((r, i) => [r.reservationId, asked[i]]));
    const written = await writtenFor(carId, byId);
    expect(written).toHaveLength(50);
    const held = written.filter((w) => w.reservation.status === 'Pending');
    expect(held).toHaveLength(1);
    expect(written.filter((w) => w.reservation.status === 'Rejected' && w.reservation.reason === 'CAR_TAKEN')).toHaveLength(49);
    expect(intervalOf(held[0].reservation)).toEqual(expectedInterval(held[0].asked));
    expect((await tables.carItem(carId)).blocks).toEqual(calendarOf(held));
  });

  it('back to back: a pick-up exactly the turnaround after a return is held, one minute less is refused, in either order', async () => {
    const date = day(33);
    // The first rental 08:00-12:00; the second from 12:00 + turnaround (or a minute before), to 17:00.
    const earlier = (carId: string) => v2(carId, at(date, 8 * 60), at(date, 12 * 60));
    const later = (carId: string, minutesShort: number) => v2(carId, at(date, 12 * 60 + TURNAROUND - minutesShort), at(date, 17 * 60));
    expect(occupies(expectedInterval(earlier('x')), expectedInterval(later('x', 0)))).toBe(false);
    expect(occupies(expectedInterval(earlier('x')), expectedInterval(later('x', 1)))).toBe(true);

    const cases = [
      { name: 'exact, earlier first', short: 0, laterFirst: false, secondHeld: true },
      { name: 'exact, later first', short: 0, laterFirst: true, secondHeld: true },
      { name: 'a minute short, earlier first', short: 1, laterFirst: false, secondHeld: false },
      { name: 'a minute short, later first', short: 1, laterFirst: true, secondHeld: false },
    ];
    // The cases at once (a car each); within a case, one booking decided before the other is asked.
    const outcomes = await Promise.all(
      cases.map(async ({ name, short, laterFirst }, i) => {
        const carId = await createCar(admin, { location: LOCATION });
        const pair = laterFirst ? [later(carId, short), earlier(carId)] : [earlier(carId), later(carId, short)];
        const first = await book(customers[2 * i], pair[0]);
        const second = await book(customers[2 * i + 1], pair[1]);
        const written = await writtenFor(
          carId,
          new Map([
            [first.reservationId, pair[0]],
            [second.reservationId, pair[1]],
          ]),
        );
        const car = await tables.carItem(carId);
        return { name, first, second, written, car };
      }),
    );
    outcomes.forEach(({ name, first, second, written, car }, i) => {
      const { secondHeld } = cases[i];
      expect({ name, first: first.status }).toEqual({ name, first: 'Pending' });
      expect({ name, second: second.status, reason: second.reason?.code }).toEqual(
        secondHeld ? { name, second: 'Pending', reason: undefined } : { name, second: 'Rejected', reason: 'CAR_TAKEN' },
      );
      const held = written.filter((w) => w.reservation.status === 'Pending');
      expect(held).toHaveLength(secondHeld ? 2 : 1);
      expect(car.blocks).toEqual(calendarOf(held));
    });
  });

  it('a v1 and a v2 request race for overlapping periods of one car: exactly one is held, every round', async () => {
    // v1's days are UTC: at PHX (-07:00) day S runs from 17:00 local on S-1 to 17:00 local on S.
    const rounds = Array.from({ length: 6 }, (_, r) => {
      const s = day(40 + 3 * r);
      const before = plusDays(s, -1);
      const v2Times = [
        [at(s, 10 * 60), at(s, 15 * 60)], // inside the v1 days
        [at(before, 8 * 60), at(before, 18 * 60)], // across the v1 pick-up (00:00 UTC = 17:00 local)
        [at(before, 9 * 60), at(before, 17 * 60 - TURNAROUND + 1)], // overlapping by the turnaround only, one minute
        [at(plusDays(s, 1), 17 * 60 - 1), at(plusDays(s, 2), 10 * 60)], // a minute before the v1 return
        [at(before, 6 * 60), at(plusDays(s, 2), 22 * 60)], // around the v1 days
        [at(s, 6 * 60 + 37), at(s, 22 * 60 + 41)],
      ][r];
      return { s, v2Times };
    });

    const outcomes = await Promise.all(
      rounds.map(async ({ s, v2Times }, r) => {
        const carId = await createCar(admin, { location: LOCATION });
        const pair = [v1(carId, s, plusDays(s, 2)), v2(carId, v2Times[0], v2Times[1])];
        expect(occupies(expectedInterval(pair[0]), expectedInterval(pair[1]))).toBe(true);
        const decided = await Promise.all(pair.map((asked, k) => book(customers[2 * r + k], asked)));
        const written = await writtenFor(carId, new Map(decided.map((d, k) => [d.reservationId, pair[k]])));
        return { round: r, decided, written, car: await tables.carItem(carId) };
      }),
    );
    for (const { round, decided, written, car } of outcomes) {
      expect({ round, statuses: decided.map((d) => d.status).sort() }).toEqual({ round, statuses: ['Pending', 'Rejected'] });
      expect(decided.find((d) => d.status === 'Rejected')!.reason?.code).toBe('CAR_TAKEN');
      const held = written.filter((w) => w.reservation.status === 'Pending');
      expect(held).toHaveLength(1);
      expect(car.blocks).toEqual(calendarOf(held));
    }
  });

  it("300 mixed v1 and v2 requests over 20 cars: all decided; no two holds of a car overlap, turnaround included; each car's calendar is its holds", async () => {
    const carIds = await Promise.all(
      Array.from({ length: 20 }, (_, i) => createCar(admin, { location: LOCATION, rentalPricePerDay: 30 + i })),
    );
    // Twelve days around the first of a month (at least 5 days ahead), so some rentals span the boundary.
    const soon = new Date(Date.now() + 10 * DAY);
    const monthStart = Date.UTC(soon.getUTCFullYear(), soon.getUTCMonth() + 1, 1);
    const first = new Date(monthStart - 6 * DAY).toISOString().slice(0, 10);
    const OPEN = 6 * 60;
    const OPEN_MINUTES = 17 * 60; // 06:00 to 23:00

    // About one in five asks in v1 days (1-3), the rest in v2 times to the minute (1 hour to nearly 3
    // days, pick-up and return within opening hours); never the same customer, car and period twice
    // (that would be one request, deduplicated into one reservation). Every customer sends some.
    const rand = prng(20_270_301);
    const seen = new Set<string>();
    const requests: Array<{ customer: Customer; asked: Asked }> = [];
    while (requests.length < 300) {
      const customer = customers[rand(customers.length)];
      const carId = carIds[rand(carIds.length)];
      const startDate = plusDays(first, rand(12));
      let asked: Asked;
      if (rand(5) === 0) asked = v1(carId, startDate, plusDays(startDate, 1 + rand(3)));
      else {
        const pickupAt = at(startDate, OPEN + rand(OPEN_MINUTES));
        const returnAt = at(plusDays(startDate, rand(3)), OPEN + rand(OPEN_MINUTES + 1));
        if (instant(returnAt) - instant(pickupAt) < 60 * MINUTE) continue; // the shortest rental is an hour
        asked = v2(carId, pickupAt, returnAt);
      }
      const key = `${customer.userId}/${JSON.stringify(asked.body)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      requests.push({ customer, asked });
    }
    const spansMonth = (a: Asked) => {
      const { fromMs, readyMs } = expectedInterval(a);
      return fromMs < monthStart && monthStart < readyMs;
    };
    expect(requests.filter((q) => q.asked.version === 'v1' && spansMonth(q.asked)).length).toBeGreaterThan(0);
    expect(requests.filter((q) => q.asked.version === 'v2' && spansMonth(q.asked)).length).toBeGreaterThan(5);

    // All at once; 429s (the booking route's throttle, per stage) are retried after Retry-After, as is a
    // 503 with Retry-After (DynamoDB Local behind on a busy machine: nothing written).
    const answers = await Promise.all(
      requests.map(({ customer, asked }) =>
        call('POST', '/reservations', { token: customer.token, body: asked.body, version: asked.version, retryUnavailable: true }),
      ),
    );
    expect(answers.filter((a) => a.status !== 202).map((a) => `${a.status} ${JSON.stringify(a.body)}`)).toEqual([]);
    const ids = answers.map((a) => a.body.reservationId as string);
    expect(new Set(ids).size).toBe(300);
    const askedFor = new Map(ids.map((id, i) => [id, requests[i].asked]));

    const views = await decidedReservations(customers, ids, 90_000);
    expect(views.every((r) => r.status === 'Pending' || (r.status === 'Rejected' && r.reason?.code === 'CAR_TAKEN'))).toBe(true);

    // Straight from DynamoDB.
    const now = await runtimeNow();
    const holds = (r: Reservation) => r.status === 'Pending' && r.holdExpiresAt !== undefined && r.holdExpiresAt > now;
    const reservations = await tables.reservationsOfCars(carIds);
    expect(reservations.map((r) => r.reservationId).sort()).toEqual([...ids].sort());

    let heldTotal = 0;
    for (const carId of carIds) {
      const ofCar = reservations
        .filter((r) => r.carId === carId)
        .map((reservation) => ({ reservation, asked: askedFor.get(reservation.reservationId)! }));
      // Each took (or asked for) the interval its request names, turnaround included.
      for (const { reservation, asked } of ofCar) expect(intervalOf(reservation)).toEqual(expectedInterval(asked));
      const held = ofCar.filter((w) => holds(w.reservation));
      heldTotal += held.length;
      const spans = held.map((w) => expectedInterval(w.asked));

      // No two holds of one car overlap on the interval rule.
      for (let i = 0; i < spans.length; i++) for (let j = i + 1; j < spans.length; j++) expect(occupies(spans[i], spans[j])).toBe(false);
      // Every refusal had a reason: it overlaps a held one (nothing was cancelled or lapsed).
      for (const { asked } of ofCar.filter((w) => w.reservation.status === 'Rejected'))
        expect(spans.some((span) => occupies(span, expectedInterval(asked)))).toBe(true);
      // The car's calendar (its blocks map) is exactly its holds, each on its own interval.
      expect((await tables.carItem(carId)).blocks).toEqual(calendarOf(held));
    }
    // The mix really raced: plenty of holds and plenty of refusals.
    expect(heldTotal).toBe(views.filter((r) => r.status === 'Pending').length);
    expect(heldTotal).toBeGreaterThan(20);
    expect(300 - heldTotal).toBeGreaterThan(50);
  });
});
