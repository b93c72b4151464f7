import type { Reservation } from '../../lambdas/domain/bookings/reservation';
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
} from '../support/booking-client';
import { bookingTables, type BookingTables } from '../support/booking-tables';
import { prng } from '../support/prng';
import { adminToken } from '../support/tokens';

/**
 * Real concurrency over HTTP: many customers at once against the local runtime (its API, its SQS FIFO
 * worker, DynamoDB Local), then the outcome read from the API and straight from the tables. Cars are
 * created at a location no other e2e file uses.
 */
const LOCATION = 'SLC';

let admin: string;
let tables: BookingTables;
/** Fifty freshly registered customers, shared by both races. */
let customers: Customer[];

beforeAll(async () => {
  [admin, customers, tables] = await Promise.all([adminToken(), registerCustomers(50), bookingTables()]);
});
afterAll(() => tables?.destroy());

/** A v1 period's interval on the car's calendar: 00:00 UTC of its first day to 00:00 UTC of its return day. */
const intervalOfDays = (r: Pick<Reservation, 'startDate' | 'endDate'>) => ({
  fromMs: Date.parse(`${r.startDate}T00:00:00Z`),
  readyMs: Date.parse(`${r.endDate}T00:00:00Z`),
});
const overlap = (a: Reservation, b: Reservation) => a.startDate < b.endDate && b.startDate < a.endDate;

describe('booking races over HTTP', () => {
  it('50 customers book one car for overlapping days at the same moment: exactly one hold, 49 CAR_TAKEN, none undecided', async () => {
    const carId = await createCar(admin, { location: LOCATION });
    // Every period contains day 82, so any two of them overlap.
    const bodies = customers.map((_, i) => ({ carId, startDate: day(80 + (i % 3)), endDate: day(83 + (i % 4)) }));

    const answers = await Promise.all(
      customers.map((c, i) => call('POST', '/reservations', { token: c.token, body: bodies[i], headers: { prefer: 'wait=10' } })),
    );
    expect(answers.every((a) => [201, 202, 409].includes(a.status))).toBe(true);
    const decided = await Promise.all(
      answers.map(async (answer, i) => {
        const r = reservationOf(answer);
        return r.status === 'Requested' ? pollReservation(customers[i].token, r.reservationId) : r;
      }),
    );

    expect(new Set(decided.map((r) => r.reservationId)).size).toBe(50);
    decided.forEach((r, i) => expect(r.userId).toBe(customers[i].userId));
    const held = decided.filter((r) => r.status === 'Pending');
    const rejected = decided.filter((r) => r.status === 'Rejected');
    expect(held).toHaveLength(1);
    expect(rejected).toHaveLength(49);
    expect(rejected.every((r) => r.reason?.code === 'CAR_TAKEN')).toBe(true);
    // The answers agree with the decisions: the winner got 201 (or 202 then Pending), every loser 409 (or 202).
    expect(answers.filter((a) => a.status === 201).length).toBeLessThanOrEqual(1);

    // Read back straight from the table: the car's calendar holds the winner, on its days, and nobody else.
    const winner = held[0] as unknown as Reservation;
    const car = await tables.carItem(carId);
    expect(Object.keys(car.blocks)).toEqual([winner.reservationId]);
    expect(car.blocks[winner.reservationId]).toMatchObject(intervalOfDays(winner));
  });

  it("300 concurrent requests over 20 cars: all decided; no two holds of a car overlap; each car's calendar matches the holds exactly", async () => {
    const carIds = await Promise.all(
      Array.from({ length: 20 }, (_, i) => createCar(admin, { location: LOCATION, rentalPricePerDay: 30 + i })),
    );
    // Every customer sends some (about 6 each): one customer's requests at once contend on its usage
    // version (the per-customer limits), which is not what this race is about.
    const senders = customers;
    const rand = prng(20_261_125);
    // Overlapping periods of 1 to 4 days within 3 weeks; never the same customer, car and dates twice
    // (that would be the same request, deduplicated into one reservation).
    const seen = new Set<string>();
    const requests: Array<{ customer: Customer; body: { carId: string; startDate: string; endDate: string } }> = [];
    while (requests.length < 300) {
      const customer = senders[rand(senders.length)];
      const carId = carIds[rand(carIds.length)];
      const start = 100 + rand(20);
      const end = start + 1 + rand(4);
      const key = `${customer.userId}/${carId}/${start}/${end}`;
      if (seen.has(key)) continue;
      seen.add(key);
      requests.push({ customer, body: { carId, startDate: day(start), endDate: day(end) } });
    }

    // All at once; the booking route's throttle (50 rps, burst 100) answers some 429s, which the client
    // retries after Retry-After.
    // On a busy machine DynamoDB Local can fall behind: a 503 with Retry-After is then the documented answer
    // (nothing written), which a client retries; every request must still end decided, exactly once.
    const answers = await Promise.all(
      requests.map(({ customer, body }) => call('POST', '/reservations', { token: customer.token, body, retryUnavailable: true })),
    );
    // Any other answer is shown with its error, so a failure says what refused it.
    expect(answers.filter((a) => a.status !== 202).map((a) => `${a.status} ${JSON.stringify(a.body)}`)).toEqual([]);
    const ids = answers.map((a) => a.body.reservationId as string);
    expect(new Set(ids).size).toBe(300);

    // Every request is decided: read each customer's history (a few list calls, not 300 polls) until none is Requested.
    const views = await decidedReservations(senders, ids, 60_000);
    expect(views.every((r) => r.status === 'Pending' || (r.status === 'Rejected' && r.reason?.code === 'CAR_TAKEN'))).toBe(true);

    // Straight from DynamoDB.
    const now = await runtimeNow();
    const holds = (r: Reservation) =>
      r.status === 'Confirmed' || (r.status === 'Pending' && r.holdExpiresAt !== undefined && r.holdExpiresAt > now);
    const reservations = await tables.reservationsOfCars(carIds);
    expect(reservations.map((r) => r.reservationId).sort()).toEqual([...ids].sort());

    let heldTotal = 0;
    for (const carId of carIds) {
      const ofCar = reservations.filter((r) => r.carId === carId);
      const held = ofCar.filter(holds);
      heldTotal += held.length;

      // No two holds of one car overlap.
      for (const a of held) for (const b of held) if (a !== b) expect(overlap(a, b)).toBe(false);
      // Every refusal had a reason: it overlaps a reservation that was held (nothing was cancelled).
      for (const r of ofCar.filter((x) => x.status === 'Rejected'))
        expect(ofCar.some((h) => h.status === 'Pending' && overlap(h, r))).toBe(true);

      // The car's calendar (its blocks map) is exactly its holds, each on its own interval.
      const car = await tables.carItem(carId);
      expect(car.blocks).toEqual(
        Object.fromEntries(
          held.map((r) => [
            r.reservationId,
            {
              kind: 'reservation',
              from: r.startDate,
              to: r.endDate,
              ...intervalOfDays(r),
              status: r.status,
              holdExpiresAt: r.holdExpiresAt,
            },
          ]),
        ),
      );
    }
    // The mix really raced: plenty of holds and plenty of refusals.
    expect(heldTotal).toBe(views.filter((r) => r.status === 'Pending').length);
    expect(heldTotal).toBeGreaterThan(20);
    expect(300 - heldTotal).toBeGreaterThan(50);
  });
});
