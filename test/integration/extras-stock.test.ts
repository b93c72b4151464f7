import { randomUUID } from 'node:crypto';
import { DynamoReservationStore } from '../../lambdas/adapters/bookings/reservation-store';
import { DynamoStockCalendars } from '../../lambdas/adapters/bookings/stock-calendars';
import { DynamoCarRepository } from '../../lambdas/adapters/fleet/car-repository';
import { DynamoPricingRules } from '../../lambdas/adapters/pricing/pricing-rules';
import { decideBooking } from '../../lambdas/domain/bookings/decide';
import { cancelReservation, confirmReservation } from '../../lambdas/domain/bookings/lifecycle';
import type { BookingDeps } from '../../lambdas/domain/bookings/ports';
import type { Reservation } from '../../lambdas/domain/bookings/reservation';
import { ShiftedClock } from '../../lambdas/shared/clock';
import { testTables, type TestTables } from '../support/aws-services';
import { storeOnlyBookingDeps } from '../support/booking-deps';
import { carFixture } from '../support/fixtures/car';

// A location's child seats are booked like its cars: N seats, and the (N+1)th booking overlapping N
// others is refused by a condition at the database (the stock calendar's version, written in the same
// transaction as the car's), whatever the concurrency. DynamoDB Local, real deciders in parallel.
let aws: TestTables;
let cars: DynamoCarRepository;
let stock: DynamoStockCalendars;
let store: DynamoReservationStore;
const clock = new ShiftedClock();
const H = 3_600_000;
const LOCATION = 'ORD';

// No Redis lock (and different cars): nothing but the stock calendar's condition stands between them.
const deps = (): BookingDeps => storeOnlyBookingDeps({ reservations: store, cars, clock, stock });

const newCar = async () => {
  const at = clock.now().toISOString();
  const car = carFixture({ carId: randomUUID(), location: LOCATION, createdAt: at, updatedAt: at });
  await cars.create(car);
  return car;
};

/** A Requested v2 reservation of a new car that takes `seats` child seats, written through the store. */
const requested = async (fromH: number, toH: number, seats = 1): Promise<Reservation> => {
  const car = await newCar();
  const start = Date.parse('2030-06-01T12:00:00Z');
  const iso = (h: number) => new Date(start + h * H).toISOString();
  const at = clock.now().toISOString();
  const r: Reservation = {
    reservationId: randomUUID(),
    userId: randomUUID(),
    carId: car.carId,
    startDate: iso(fromH).slice(0, 10),
    endDate: iso(toH + 24).slice(0, 10),
    pickupAt: iso(fromH),
    returnAt: iso(toH),
    readyAt: iso(toH + 1),
    status: 'Requested',
    price: { currency: 'USD', dailyMinor: 5_000, days: 1, totalMinor: 5_000 },
    car: { make: 'Kia', model: 'Rio', year: 2023, type: 'COMPACT', location: LOCATION },
    extras: [{ code: 'CHILD_SEAT', quantity: seats, stocked: true }],
    createdAt: at,
    updatedAt: at,
  };
  await store.create(r, [], clock.now().getTime() + 60_000, { admit: () => undefined, countsUntil: clock.now().getTime() + 60_000 });
  return r;
};
const seatsOut = async () => (await stock.calendar(LOCATION, 'CHILD_SEAT')).blocks.map((b) => b.id).sort();

beforeAll(async () => {
  aws = await testTables();
  cars = new DynamoCarRepository(aws.db, aws.names.cars);
  const pricing = new DynamoPricingRules(aws.db, aws.names.cars);
  stock = new DynamoStockCalendars(aws.db, aws.names.cars, pricing);
  store = new DynamoReservationStore(aws.db, aws.names.reservations, cars, stock);
  const written = await pricing.putLocationExtras(
    LOCATION,
    'USD',
    [{ code: 'CHILD_SEAT', label: 'Child seat', priceMinor: 1_000, per: 'day', maxQuantity: 3, stock: 3 }],
    { at: clock.now().toISOString() },
  );
  expect(written.written).toBe(true);
}, 60_000);

afterAll(async () => {
  await aws?.drop();
});

describe('extras with stock: 3 child seats at a location', () => {
  it('20 concurrent bookings of 20 cars, each with a seat, over overlapping times: exactly 3 held, 17 EXTRA_UNAVAILABLE', async () => {
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => requested(i % 5, 10 + (i % 7))));
    const decisions = await Promise.all(rs.map((r) => decideBooking(deps(), r.reservationId)));
    expect(decisions.filter((d) => d === 'held')).toHaveLength(3);
    expect(decisions.filter((d) => d === 'EXTRA_UNAVAILABLE')).toHaveLength(17);
    const held = rs.filter((_, i) => decisions[i] === 'held').map((r) => r.reservationId);
    expect(await seatsOut()).toEqual([...held].sort());
    // Each held reservation's car is held too, and every refused one's car is free.
    for (const [i, r] of rs.entries()) {
      const blocks = (await cars.get(r.carId, true))!.blocks.map((b) => b.id);
      expect(blocks).toEqual(decisions[i] === 'held' ? [r.reservationId] : []);
    }

    // A cancel gives its seat back: the next request gets it; later times were never short.
    await cancelReservation(deps(), { userId: rs[0].userId, isAdmin: true }, held[0]);
    const next = await requested(2, 8);
    expect(await decideBooking(deps(), next.reservationId)).toBe('held');
    const later = await requested(30, 40, 3);
    expect(await decideBooking(deps(), later.reservationId)).toBe('held');
    // Paying keeps the seat; a lapsed hold's seat is free to others.
    expect(await confirmReservation(deps(), next.reservationId)).toBe(true);
    clock.advance(6 * 60_000);
    const afterLapse = await requested(2, 8, 2);
    expect(await decideBooking(deps(), afterLapse.reservationId)).toBe('held');
    // 1 paid + 2 on hold over 2-8 h; the lapsed holds (the later one's too) took nothing, and the last write dropped them.
    expect(await seatsOut()).toEqual([next.reservationId, afterLapse.reservationId].sort());
    const more = await requested(3, 4);
    expect(await decideBooking(deps(), more.reservationId)).toBe('EXTRA_UNAVAILABLE');
  });
});
