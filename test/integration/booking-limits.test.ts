import { randomUUID } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type Redis from 'ioredis';
import { RedisCarLocks } from '../../lambdas/adapters/bookings/redis-car-locks';
import { toReservationItem } from '../../lambdas/adapters/bookings/reservation-item';
import { DynamoReservationStore } from '../../lambdas/adapters/bookings/reservation-store';
import { RedisFleetCache } from '../../lambdas/adapters/fleet/cache';
import { DynamoCarRepository } from '../../lambdas/adapters/fleet/car-repository';
import { decideBooking } from '../../lambdas/domain/bookings/decide';
import { carReservations } from '../../lambdas/domain/bookings/history';
import { cancelReservation, confirmReservation, sweepReservations } from '../../lambdas/domain/bookings/lifecycle';
import { DEFAULT_BOOKING_LIMITS, type BookingLimits } from '../../lambdas/domain/bookings/limits';
import type { BookingDeps } from '../../lambdas/domain/bookings/ports';
import { requestBooking } from '../../lambdas/domain/bookings/request';
import type { Reservation } from '../../lambdas/domain/bookings/reservation';
import { createCar } from '../../lambdas/domain/fleet/manage-cars';
import { ShiftedClock } from '../../lambdas/shared/clock';
import { AppError } from '../../lambdas/shared/errors';
import { reservationFixture } from '../unit/bookings/reservation-fixture';
import { testTables, type TestTables } from '../support/aws-services';
import { testRedis } from '../support/redis';

// The per-customer booking limits on DynamoDB Local (and Redis, real when REDIS_URL is set): enforced by
// the request's transaction, under real concurrency, and released on every path out of a hold.
let aws: TestTables;
let db: DynamoDBDocumentClient;
let redis: Redis;
let cars: DynamoCarRepository;
let store: DynamoReservationStore;
const clock = new ShiftedClock();

const day = (offset: number) => new Date(clock.now().getTime() + offset * 86_400_000).toISOString().slice(0, 10);
const depsWith = (limits: BookingLimits = DEFAULT_BOOKING_LIMITS): BookingDeps => ({
  reservations: store,
  cars,
  cache: new RedisFleetCache(async () => redis),
  queue: { send: async () => undefined },
  locks: new RedisCarLocks(async () => redis),
  notifier: { publish: async () => undefined },
  clock,
  newId: () => randomUUID(),
  holdMs: 5 * 60_000,
  limits,
});
const newCar = () =>
  createCar(
    { cars, cache: new RedisFleetCache(async () => redis), clock, newId: () => randomUUID() },
    { make: 'Kia', model: 'Rio', year: 2023, type: 'COMPACT', location: 'BOS', pricePerDayMinor: 3_500 },
  );
const book = (userId: string, carId: string, from: number, to: number, deps = depsWith(), idempotencyKey?: string) =>
  requestBooking(deps, { userId, carId, period: { startDate: day(from), endDate: day(to) }, idempotencyKey });
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: AppError) => err,
  );
/** Requests and holds it, as the worker does; the reservation as stored. */
const hold = async (userId: string, carId: string, from: number, to: number) => {
  const { reservation } = await book(userId, carId, from, to);
  expect(await decideBooking(depsWith(), reservation.reservationId)).toBe('held');
  return reservation;
};

beforeAll(async () => {
  aws = await testTables();
  ({ db } = aws);
  redis = testRedis();
  cars = new DynamoCarRepository(db, aws.names.cars);
  store = new DynamoReservationStore(db, aws.names.reservations, cars);
}, 60_000);

afterAll(async () => {
  await redis?.quit();
  await aws?.drop();
});

describe('live holds per customer', () => {
  it('40 parallel requests of one customer for 40 cars: exactly 3 land, 37 are refused with HOLD_LIMIT_REACHED', async () => {
    const userId = randomUUID();
    const carIds = await Promise.all(Array.from({ length: 40 }, () => newCar()));
    // Different days per car so only the live-holds limit is in play (2 per day would be the overlap limit's).
    const outcomes = await Promise.allSettled(carIds.map((carId, i) => book(userId, carId, 10 + 2 * i, 11 + 2 * i)));
    const landed = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as AppError);
    expect(landed).toHaveLength(3);
    expect(refused).toHaveLength(37);
    for (const err of refused) expect(err).toMatchObject({ kind: 'CONFLICT', code: 'HOLD_LIMIT_REACHED' });
    expect((await store.listByUser(userId, { limit: 100 })).items).toHaveLength(3);
  });

  it('a hold stops counting when it lapses (no sweeper needed), and on cancel, confirmation and rejection', async () => {
    const userId = randomUUID();
    const [a, b, c, d] = await Promise.all(Array.from({ length: 4 }, () => newCar()));
    const first = await hold(userId, a, 100, 101);
    await hold(userId, b, 102, 103);
    const third = await hold(userId, c, 104, 105);
    expect(await refusal(book(userId, d, 106, 107))).toMatchObject({ code: 'HOLD_LIMIT_REACHED' });

    // Cancelling one frees its place at once.
    await cancelReservation(depsWith(), { userId, isAdmin: false }, first.reservationId);
    const fourth = (await book(userId, d, 106, 107)).reservation;
    expect(await refusal(book(userId, a, 108, 109))).toMatchObject({ code: 'HOLD_LIMIT_REACHED' });

    // A rejected request frees its place: the car is taken by someone else.
    await hold(randomUUID(), d, 106, 107);
    expect(await decideBooking(depsWith(), fourth.reservationId)).toBe('CAR_TAKEN');
    // Paying turns a hold into a booking: no longer an open hold.
    expect(await confirmReservation(depsWith(), third.reservationId)).toBe(true);
    await book(userId, a, 110, 111);
    await book(userId, b, 112, 113);
    expect(await refusal(book(userId, c, 114, 115))).toMatchObject({ code: 'HOLD_LIMIT_REACHED' });

    // The holds lapse; the sweeper has not run, yet they no longer count.
    clock.advance(16 * 60_000);
    await book(userId, c, 114, 115);
  });

  it('a repeat of a request that landed answers with it even at the limit (Idempotency-Key and same dates)', async () => {
    const userId = randomUUID();
    const carIds = await Promise.all(Array.from({ length: 3 }, () => newCar()));
    const made = await Promise.all(carIds.map((carId, i) => book(userId, carId, 120 + i, 121 + i, depsWith(), `key-${i}`)));
    const again = await book(userId, carIds[2], 122, 123, depsWith(), 'key-2');
    expect(again).toMatchObject({ replayed: true, reservation: { reservationId: made[2].reservation.reservationId } });
    const sameDates = await book(userId, carIds[1], 121, 122);
    expect(sameDates).toMatchObject({ replayed: true, reservation: { reservationId: made[1].reservation.reservationId } });
  });

  it('the numbers are configuration: a limit of 5 lets exactly 5 of 12 parallel requests land', async () => {
    const userId = randomUUID();
    const limits = { ...DEFAULT_BOOKING_LIMITS, maxLiveHolds: 5 };
    const carIds = await Promise.all(Array.from({ length: 12 }, () => newCar()));
    const outcomes = await Promise.allSettled(carIds.map((carId, i) => book(userId, carId, 130 + 2 * i, 131 + 2 * i, depsWith(limits))));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
  });
});

describe('bookings per customer on one day', () => {
  it('at most 2 of a customer’s reservations on any day, counted per day and in parallel', async () => {
    const userId = randomUUID();
    const carIds = await Promise.all(Array.from({ length: 6 }, () => newCar()));
    const parallel = await Promise.allSettled(carIds.map((carId) => book(userId, carId, 200, 203)));
    expect(parallel.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
    const refused = parallel.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    for (const o of refused) expect(o.reason).toMatchObject({ kind: 'CONFLICT', code: 'OVERLAP_LIMIT_REACHED' });
    // Days next to them are free for a third; a period over both of the busy days is not.
    await book(userId, carIds[2], 203, 205);
    // The limit counts paid bookings too: confirm the two, then a third car on one of their days is refused.
    const mine = (await store.listByUser(userId, { limit: 10 })).items.filter((r) => r.startDate === day(200));
    for (const r of mine) {
      await decideBooking(depsWith(), r.reservationId);
      expect(await confirmReservation(depsWith(), r.reservationId)).toBe(true);
    }
    expect(await refusal(book(userId, carIds[3], 202, 204))).toMatchObject({ code: 'OVERLAP_LIMIT_REACHED' });
  });
});

describe('horizon and longest rental', () => {
  it('the last day of the horizon is bookable, the next one is refused on body.startDate', async () => {
    const carId = await newCar();
    await book(randomUUID(), carId, 365, 366);
    const err = await refusal(book(randomUUID(), carId, 366, 367));
    expect(err).toMatchObject({ kind: 'VALIDATION', details: { fields: [{ field: 'body.startDate' }] } });
  });

  it('30 days is the longest rental; 31 is refused on body.endDate; a configured 7 refuses 8', async () => {
    const carId = await newCar();
    await book(randomUUID(), carId, 300, 330);
    expect(await refusal(book(randomUUID(), carId, 300, 331))).toMatchObject({ details: { fields: [{ field: 'body.endDate' }] } });
    const week = depsWith({ ...DEFAULT_BOOKING_LIMITS, maxRentalDays: 7 });
    expect(await refusal(book(randomUUID(), carId, 340, 348, week))).toMatchObject({ details: { fields: [{ field: 'body.endDate' }] } });
  });
});

describe('the sweeper with dates far ahead', () => {
  const putReservation = (r: Reservation, dueMs: number, gsi3sk?: string) =>
    db.send(
      new PutCommand({
        TableName: aws.names.reservations,
        Item: { ...toReservationItem(r, dueMs), ...(gsi3sk ? { gsi3sk } : {}) },
      }),
    );
  const confirmedAt = (startDate: string, endDate: string, carId: string = randomUUID()) => {
    const at = clock.now().toISOString();
    return reservationFixture({
      reservationId: randomUUID(),
      userId: randomUUID(),
      carId,
      startDate,
      endDate,
      status: 'Confirmed',
      createdAt: at,
      updatedAt: at,
    });
  };

  it('116 bookings in 2300 and at the horizon edge do not keep it from expiring a lapsed hold and completing a rental', async () => {
    const farAhead = [
      ...Array.from({ length: 116 }, (_, i) => confirmedAt(`2300-01-${String((i % 28) + 1).padStart(2, '0')}`, '2300-02-01')),
      ...Array.from({ length: 20 }, () => confirmedAt(day(365), day(395))),
    ];
    for (const r of farAhead) await putReservation(r, Date.parse(`${r.startDate}T00:00:00Z`) - 86_400_000);
    const userId = randomUUID();
    const lapsing = await hold(userId, await newCar(), 20, 21);
    const ended = confirmedAt(day(-3), day(-1), await newCar());
    await putReservation(ended, Date.parse(`${ended.endDate}T00:00:00Z`));
    clock.advance(6 * 60_000);

    // Small batches: with the old key, the far-ahead ones filled every batch and the run ended on them.
    const report = await sweepReservations({ ...depsWith(), queue: { send: async () => undefined } }, 20);
    expect(report).toMatchObject({ reminded: 0, completed: 1 });
    expect(await store.get(lapsing.reservationId)).toMatchObject({ status: 'Expired' });
    expect(await store.get(ended.reservationId)).toMatchObject({ status: 'Completed' });
  });

  it('an item with the old 13-digit key is read once and keyed anew, so it is not lost to the sweeper', async () => {
    const old = confirmedAt(day(400), day(401));
    const dueMs = Date.parse(`${old.startDate}T00:00:00Z`) - 86_400_000;
    await putReservation(old, dueMs, `${String(dueMs).padStart(13, '0')}#${old.reservationId}`);
    const deps = { ...depsWith(), queue: { send: async () => undefined } };
    expect((await store.due(clock.now(), 1000)).map((r) => r.reservationId)).toContain(old.reservationId);
    await sweepReservations(deps);
    expect((await store.due(clock.now(), 1000)).map((r) => r.reservationId)).not.toContain(old.reservationId);
    expect((await store.due(new Date(dueMs), 1000)).map((r) => r.reservationId)).toContain(old.reservationId);
  });
});

describe("a car's upcoming reservations", () => {
  it('lists only those that hold or may come to hold the car: never cancelled, rejected or lapsed ones', async () => {
    const carId = await newCar();
    const confirmed = await hold(randomUUID(), carId, 50, 52);
    await confirmReservation(depsWith(), confirmed.reservationId);
    const cancelledOne = await hold(randomUUID(), carId, 53, 54);
    await cancelReservation(depsWith(), { userId: cancelledOne.userId, isAdmin: true }, cancelledOne.reservationId);
    const rejected = (await book(randomUUID(), carId, 51, 53)).reservation;
    expect(await decideBooking(depsWith(), rejected.reservationId)).toBe('CAR_TAKEN');
    const lapsed = await hold(randomUUID(), carId, 55, 56);
    clock.advance(6 * 60_000);
    const live = await hold(randomUUID(), carId, 57, 58);
    const requested = (await book(randomUUID(), carId, 60, 61)).reservation;

    const upcoming = await carReservations(depsWith(), carId, { when: 'upcoming', limit: 50 });
    expect(upcoming.items.map((r) => r.reservationId)).toEqual([confirmed.reservationId, live.reservationId, requested.reservationId]);
    expect(upcoming.items.map((r) => r.reservationId)).not.toContain(lapsed.reservationId);
  });
});
