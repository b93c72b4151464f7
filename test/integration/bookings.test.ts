import { randomUUID } from 'node:crypto';
import { DynamoDBClient, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type Redis from 'ioredis';
import { RedisCarLocks } from '../../lambdas/adapters/bookings/redis-car-locks';
import { DynamoReservationStore } from '../../lambdas/adapters/bookings/reservation-store';
import { DynamoReservationChanges } from '../../lambdas/adapters/bookings/reservation-changes';
import { RedisFleetCache } from '../../lambdas/adapters/fleet/cache';
import { DynamoCarRepository } from '../../lambdas/adapters/fleet/car-repository';
import { DynamoReservationsOfCar } from '../../lambdas/adapters/bookings/reservations-of-car';
import { decideBooking, refusalOf } from '../../lambdas/domain/bookings/decide';
import { cancelReservation, confirmReservation, sweepReservations } from '../../lambdas/domain/bookings/lifecycle';
import { addMaintenanceBlock, removeMaintenanceBlock } from '../../lambdas/domain/bookings/maintenance';
import type { BookingEvent } from '../../lambdas/domain/bookings/notifications';
import type { BookingDeps, BookingQueue } from '../../lambdas/domain/bookings/ports';
import { requestBooking } from '../../lambdas/domain/bookings/request';
import { bookingLimits, DEFAULT_BOOKING_LIMITS, limitRefusal, type CustomerUsage } from '../../lambdas/domain/bookings/limits';
import { firstLookMs, noShowMs } from '../../lambdas/domain/bookings/policy';
import { holdsCar, intervalOf, type Reservation } from '../../lambdas/domain/bookings/reservation';
import type { Car } from '../../lambdas/domain/fleet/car';
import { changeBlockId, isBlocking } from '../../lambdas/domain/fleet/availability';
import { dayInterval, occupies } from '../../lambdas/domain/fleet/interval';
import { createCar, removeCar } from '../../lambdas/domain/fleet/manage-cars';
import type { FleetDeps } from '../../lambdas/domain/fleet/ports';
import { searchAvailableCars } from '../../lambdas/domain/fleet/search';
import { ShiftedClock } from '../../lambdas/shared/clock';
import { AppError } from '../../lambdas/shared/errors';
import { testRedis } from '../support/redis';
import { testTables, type TestTables } from '../support/aws-services';
import { clientConfig } from '../../local/standins/aws';

// The booking use cases on their real DynamoDB adapters (DynamoDB Local) and Redis (real when
// REDIS_URL is set), with real concurrency: many deciders at once, as Lambda runs them.
let aws: TestTables;
let db: DynamoDBDocumentClient;
let redis: Redis;
let cars: DynamoCarRepository;
// The store with changes: a reservation store, and the change function's three steps besides.
let store: DynamoReservationChanges;
const clock = new ShiftedClock();
const sent: Array<{ reservationId: string }> = [];
const events: BookingEvent[] = [];
const queue: BookingQueue = { send: async (m) => void sent.push(m) };

const day = (offset: number) => new Date(clock.now().getTime() + offset * 86_400_000).toISOString().slice(0, 10);
const depsWith = (patch: Partial<BookingDeps> = {}): BookingDeps => ({
  reservations: store,
  cars,
  cache: new RedisFleetCache(async () => redis),
  queue,
  locks: new RedisCarLocks(async () => redis),
  notifier: { publish: async (e) => void events.push(e) },
  clock,
  newId: () => randomUUID(),
  holdMs: 5 * 60_000,
  ...patch,
});
const fleet = (): FleetDeps => ({
  cars,
  reservations: new DynamoReservationsOfCar(db, aws.names.reservations),
  media: {
    uploadUrl: async () => ({ url: '', method: 'PUT', headers: {}, expiresAt: '' }),
    exists: async () => false,
    delete: async () => undefined,
  },
  cache: new RedisFleetCache(async () => redis),
  clock,
  newId: () => randomUUID(),
});
const newCar = (location: 'BOS' | 'BNA' = 'BOS') =>
  createCar(fleet(), { make: 'Kia', model: 'Rio', year: 2023, type: 'COMPACT', location, pricePerDayMinor: 3_500 });

const request = (deps: BookingDeps, carId: string, from: number, to: number, userId = randomUUID(), idempotencyKey?: string) =>
  requestBooking(deps, {
    userId,
    email: `${userId}@example.com`,
    carId,
    period: { startDate: day(from), endDate: day(to) },
    idempotencyKey,
  });

/** A block on the car's calendar (read strongly), by reservation or block id. */
const calendarBlock = async (carId: string, id: string) => (await cars.get(carId, true))!.blocks.find((b) => b.id === id);
const daysOf = (from: string, to: string) => ({ from, to, ...dayInterval({ startDate: from, endDate: to }) });

beforeAll(async () => {
  aws = await testTables();
  ({ db } = aws);
  redis = testRedis();
  cars = new DynamoCarRepository(db, aws.names.cars);
  store = new DynamoReservationChanges(db, aws.names.reservations, cars);
}, 60_000);

afterAll(async () => {
  await redis?.quit();
  await aws?.drop();
});

describe('booking against DynamoDB Local', () => {
  it("holds a request: Pending with its deadline, a block on the car's calendar, the car blocked in search", async () => {
    const deps = depsWith();
    const carId = await newCar();
    const { reservation } = await request(deps, carId, 10, 13);
    expect(reservation).toMatchObject({ status: 'Requested', price: { dailyMinor: 3_500, days: 3, totalMinor: 10_500, currency: 'USD' } });
    expect(sent.at(-1)).toMatchObject({ reservationId: reservation.reservationId });
    expect(await decideBooking(deps, reservation.reservationId)).toBe('held');

    const held = (await store.get(reservation.reservationId))!;
    expect(held.status).toBe('Pending');
    expect(held.holdExpiresAt).toBeGreaterThan(clock.now().getTime());
    const car = (await cars.get(carId))!;
    expect(car.blocks).toEqual([
      {
        id: reservation.reservationId,
        kind: 'reservation',
        status: 'Pending',
        ...daysOf(day(10), day(13)),
        holdExpiresAt: held.holdExpiresAt,
      },
    ]);
    const found = await searchAvailableCars(
      cars,
      { location: 'BOS', window: dayInterval({ startDate: day(11), endDate: day(12) }), sort: 'price', limit: 100 },
      clock.now().getTime(),
    );
    expect(found.cars.map((c) => c.carId)).not.toContain(carId);
    expect(events.at(-1)).toMatchObject({ type: 'ReservationHeld', reservation: { reservationId: reservation.reservationId } });
  });

  it('50 deciders at once for overlapping days of one car: exactly one hold, 49 rejections, none undecided', async () => {
    const deps = depsWith();
    const carId = await newCar();
    const requests = await Promise.all(Array.from({ length: 50 }, (_, i) => request(deps, carId, 20 + (i % 3), 24 + (i % 2))));
    const decisions = await Promise.all(requests.map(({ reservation }) => decideBooking(deps, reservation.reservationId)));
    expect(decisions.filter((d) => d === 'held')).toHaveLength(1);
    expect(decisions.filter((d) => d === 'CAR_TAKEN')).toHaveLength(49);
    const final = await Promise.all(requests.map(({ reservation }) => store.get(reservation.reservationId)));
    expect(final.filter((r) => r!.status === 'Requested')).toHaveLength(0);
  });

  it('with Redis down, still exactly one winner (and the worker says it decided without the lock)', async () => {
    const down = async (): Promise<Redis> => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    };
    const deps = depsWith({ locks: new RedisCarLocks(down), cache: new RedisFleetCache(down) });
    const carId = await newCar();
    const requests = await Promise.all(Array.from({ length: 20 }, () => request(deps, carId, 30, 33)));
    const decisions = await Promise.all(requests.map(({ reservation }) => decideBooking(deps, reservation.reservationId)));
    expect(decisions.filter((d) => d === 'held')).toHaveLength(1);
    expect(decisions.filter((d) => d !== 'held').every((d) => d === 'CAR_TAKEN')).toBe(true);
  });

  it('a redelivered message (worker died after the transaction) changes nothing', async () => {
    const deps = depsWith();
    const carId = await newCar();
    const { reservation } = await request(deps, carId, 40, 42);
    await decideBooking(deps, reservation.reservationId);
    const before = await store.get(reservation.reservationId);
    const carBefore = await cars.get(carId);
    expect(await decideBooking(deps, reservation.reservationId)).toBe('alreadyDecided');
    expect(await store.get(reservation.reservationId)).toEqual(before);
    expect((await cars.get(carId))!.blocks).toEqual(carBefore!.blocks);
  });

  it('the same request twice books once; the same Idempotency-Key with other dates is refused', async () => {
    const deps = depsWith();
    const carId = await newCar();
    const userId = randomUUID();
    const [a, b] = await Promise.all([request(deps, carId, 50, 52, userId, 'key-1'), request(deps, carId, 50, 52, userId, 'key-1')]);
    expect(a.reservation.reservationId).toBe(b.reservation.reservationId);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    await expect(request(deps, carId, 50, 53, userId, 'key-1')).rejects.toMatchObject({ kind: 'IDEMPOTENCY_MISMATCH' });
    // Without a key, the same user, car and dates within 5 minutes also name the same reservation.
    const again = await request(deps, carId, 50, 52, userId);
    expect(again.reservation.reservationId).toBe(a.reservation.reservationId);
  });

  it('a queue that cannot be reached leaves nothing behind; a retry books afresh', async () => {
    const failing: BookingQueue = {
      send: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      },
    };
    const carId = await newCar();
    const userId = randomUUID();
    await expect(request(depsWith({ queue: failing }), carId, 60, 62, userId, 'k')).rejects.toThrow(/ECONNREFUSED/);
    expect((await store.listByUser(userId, { limit: 10 })).items).toEqual([]);
    const retried = await request(depsWith(), carId, 60, 62, userId, 'k');
    expect(retried.replayed).toBe(false);
  });

  it('a request whose message was lost is sent again by the sweeper, and rejected when it stays undecided', async () => {
    const carId = await newCar();
    const lost: BookingQueue = { send: async () => undefined };
    const { reservation } = await request(depsWith({ queue: lost }), carId, 70, 72);
    // The sweeper's first look at a request (policy.ts firstLookMs).
    clock.advance(firstLookMs(0, depsWith().holdMs) + 1_000);
    const sentBefore = sent.length;
    const report = await sweepReservations(depsWith());
    expect(report.resent).toBeGreaterThanOrEqual(1);
    expect(sent.slice(sentBefore).map((m) => m.reservationId)).toContain(reservation.reservationId);
    clock.advance(15 * 60_000);
    await sweepReservations(depsWith());
    expect(await store.get(reservation.reservationId)).toMatchObject({ status: 'Rejected', reason: 'NOT_DECIDED' });
  });

  it('a lapsed hold frees the days before the sweeper runs (the next hold drops its block); the sweeper then expires it', async () => {
    const deps = depsWith();
    const carId = await newCar();
    const first = (await request(deps, carId, 80, 83)).reservation;
    await decideBooking(deps, first.reservationId);
    clock.advance(5 * 60_000 + 1_000);
    const second = (await request(deps, carId, 81, 82)).reservation;
    expect(await decideBooking(deps, second.reservationId)).toBe('held');
    // The second hold's write dropped the lapsed block it was judged past.
    expect((await cars.get(carId, true))!.blocks.map((b) => b.id)).toEqual([second.reservationId]);
    // Paying for the lapsed hold now fails: its block is gone, and so is its hold.
    expect(await confirmReservation(deps, first.reservationId)).toBe(false);

    await sweepReservations(deps);
    expect(await store.get(first.reservationId)).toMatchObject({ status: 'Expired' });
    expect((await cars.get(carId))!.blocks.map((b) => b.id)).toEqual([second.reservationId]);
    expect(events.some((e) => e.type === 'ReservationExpired' && e.reservation.reservationId === first.reservationId)).toBe(true);
  });

  it('confirming makes the hold a booking that never lapses; cancelling frees the days and records the refund', async () => {
    const deps = depsWith();
    const carId = await newCar();
    const { reservation } = await request(deps, carId, 90, 94);
    await decideBooking(deps, reservation.reservationId);
    expect(await confirmReservation(deps, reservation.reservationId)).toBe(true);
    expect(await store.get(reservation.reservationId)).toMatchObject({ status: 'Confirmed' });
    expect(await calendarBlock(carId, reservation.reservationId)).toEqual({
      id: reservation.reservationId,
      kind: 'reservation',
      status: 'Confirmed',
      ...daysOf(day(90), day(94)),
    });
    clock.advance(10 * 60_000);
    const late = (await request(deps, carId, 91, 92)).reservation;
    expect(await decideBooking(deps, late.reservationId)).toBe('CAR_TAKEN');

    const owner = { userId: reservation.userId, isAdmin: false };
    await expect(cancelReservation(deps, { userId: randomUUID(), isAdmin: false }, reservation.reservationId)).rejects.toMatchObject({
      kind: 'NOT_FOUND',
    });
    const cancelled = await cancelReservation(deps, owner, reservation.reservationId);
    expect(cancelled).toMatchObject({ status: 'Cancelled', refund: { percent: 100, amountMinor: reservation.price.totalMinor } });
    expect((await cars.get(carId, true))!.blocks).toEqual([]);
    await expect(cancelReservation(deps, owner, reservation.reservationId)).rejects.toMatchObject({
      kind: 'CONFLICT',
      details: { status: 'Cancelled' },
    });
    const after = (await request(deps, carId, 91, 92)).reservation;
    expect(await decideBooking(deps, after.reservationId)).toBe('held');
  });

  it('a booking of a car removed (or moved) after it was priced is rejected; a removal after a booking landed is refused', async () => {
    const deps = depsWith();
    const carId = await newCar('BNA');
    const { reservation } = await request(deps, carId, 100, 101);
    await removeCar(fleet(), carId);
    expect(await decideBooking(deps, reservation.reservationId)).toBe('CAR_UNAVAILABLE');

    const other = await newCar('BNA');
    const seen = (await cars.get(other))!;
    const booked = (await request(deps, other, 100, 101)).reservation;
    await decideBooking(deps, booked.reservationId);
    // The car as read before the booking: the blocks version makes the write fail instead of stranding it.
    await expect(cars.remove(seen, clock.now().toISOString())).rejects.toMatchObject({ kind: 'CONFLICT' });
  });

  it('maintenance blocks: a booking over them is rejected as blocked; a block over a hold is a 409', async () => {
    const deps = depsWith();
    const carId = await newCar();
    const mdeps = { ...deps, cars, upcoming: new DynamoReservationsOfCar(db, aws.names.reservations) };
    await addMaintenanceBlock(mdeps, carId, { startDate: day(110), endDate: day(112) }, 'brakes');
    const blocked = (await request(deps, carId, 111, 113)).reservation;
    expect(await decideBooking(deps, blocked.reservationId)).toBe('CAR_BLOCKED');
    const held = (await request(deps, carId, 120, 122)).reservation;
    await decideBooking(deps, held.reservationId);
    const err = await addMaintenanceBlock(mdeps, carId, { startDate: day(121), endDate: day(125) }, 'tyres').catch((e: AppError) => e);
    expect(err).toMatchObject({ kind: 'CONFLICT', details: { reservations: [{ reservationId: held.reservationId }] } });
  });

  it('300 concurrent decisions over 20 cars: no overlap among held reservations, locks and blocks match them', async () => {
    const deps = depsWith();
    const carIds = await Promise.all(Array.from({ length: 20 }, () => newCar('BNA')));
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const requests = await Promise.all(
      Array.from({ length: 300 }, () => {
        const start = 130 + rand(20);
        return request(deps, carIds[rand(20)], start, start + 1 + rand(4));
      }),
    );
    await Promise.all(requests.map(({ reservation }) => decideBooking(deps, reservation.reservationId)));
    const now = clock.now().getTime();
    const final = await Promise.all(requests.map(({ reservation }) => store.get(reservation.reservationId)));
    expect(final.every((r) => r!.status === 'Pending' || r!.status === 'Rejected')).toBe(true);
    for (const carId of carIds) {
      const held = final.filter((r) => r!.carId === carId && holdsCar(r!, now)).map((r) => r!);
      for (const a of held) for (const b of held) if (a !== b) expect(occupies(intervalOf(a), intervalOf(b))).toBe(false);
      // The calendar holds exactly the held ones, each on its own interval.
      const blocks = (await cars.get(carId, true))!.blocks.filter((b) => isBlocking(b, now));
      expect(blocks.map((b) => b.id).sort()).toEqual(held.map((r) => r.reservationId).sort());
      for (const b of blocks) expect(b).toMatchObject(intervalOf(held.find((r) => r.reservationId === b.id)!));
    }
  });
  it('removing a block never drops a hold paid for since the car was read: the write is conditioned on the calendar read', async () => {
    const deps = depsWith();
    const carId = await newCar();
    const { reservation } = await request(deps, carId, 100, 102);
    expect(await decideBooking(deps, reservation.reservationId)).toBe('held');
    const mdeps = { ...depsWith(), cars, upcoming: new DynamoReservationsOfCar(db, aws.names.reservations) };
    const block = await addMaintenanceBlock(mdeps, carId, { startDate: day(110), endDate: day(111) }, 'tyres');
    const stale = (await cars.get(carId, true))!;
    // Paid within the hold, after that read; the unblock runs when the hold would have lapsed.
    expect(await confirmReservation(deps, reservation.reservationId)).toBe(true);
    const later = new Date(clock.now().getTime() + 10 * 60_000);
    expect(await store.unblock(stale, block, later)).toBe(false);
    const ids = async () => (await cars.get(carId, true))!.blocks.map((b) => b.id).sort();
    expect(await ids()).toEqual([block.id, reservation.reservationId].sort());
    // The use case reads again and removes the block alone: the booking stays on the calendar.
    await removeMaintenanceBlock({ ...mdeps, clock: { now: () => later } }, carId, block.id);
    expect(await ids()).toEqual([reservation.reservationId]);
  });
  it('a v2 rental returned at the counter keeps its block through the turnaround after the actual return', async () => {
    const deps = depsWith();
    const carId = await newCar();
    const { reservation } = await requestBooking(deps, {
      userId: randomUUID(),
      carId,
      times: { pickupAt: `${day(120)}T10:00`, returnAt: `${day(120)}T12:00` },
    });
    expect(await decideBooking(deps, reservation.reservationId)).toBe('held');
    expect(await confirmReservation(deps, reservation.reservationId)).toBe(true);
    const picked = Date.parse(reservation.pickupAt!);
    const confirmed = (await store.get(reservation.reservationId))!;
    const pickup = { by: 'agent-1', at: new Date(picked).toISOString(), location: confirmed.car.location, odometerKm: 100, fuelLevel: 8 };
    expect(await store.claimPickup(confirmed, pickup, new Date(picked - 300_000).toISOString())).toBe(true);
    // Another agent's claim meanwhile is refused; so is a cancel.
    const claimed = (await store.get(reservation.reservationId))!;
    expect(await store.claimPickup(claimed, { ...pickup, by: 'agent-2' }, new Date(picked - 300_000).toISOString())).toBe(false);
    expect(await store.cancel(claimed, undefined, new Date(picked))).toBe(false);
    expect(await store.startRental(claimed, new Date(picked))).toBe(true);
    // The sweeper leaves an Active rental alone, past its return too.
    const returned = Date.parse(reservation.returnAt!) + 60_000;
    await sweepReservations(depsWith({ clock: { now: () => new Date(returned) } }));
    const active = (await store.get(reservation.reservationId))!;
    expect(active.status).toBe('Active');
    const dropoff = { ...pickup, at: new Date(returned).toISOString(), odometerKm: 180 };
    expect(await store.claimReturn(active, dropoff, [], new Date(returned - 300_000).toISOString())).toBe(true);
    const settled = { paidMinor: 1, chargesMinor: 0, chargedNowMinor: 0, releasedMinor: 0, outstandingMinor: 0 };
    expect(await store.finishRental({ ...active, dropoff, charges: [] }, settled, new Date(returned))).toBe(true);
    expect(await store.get(reservation.reservationId)).toMatchObject({ status: 'Completed', settlement: settled });
    // Cleaning for the turnaround from the actual return: the car is not free for a pick-up inside it...
    const turnaround = Date.parse(reservation.readyAt!) - Date.parse(reservation.returnAt!);
    const block = await calendarBlock(carId, reservation.reservationId);
    expect(block).toMatchObject({ status: 'Confirmed', readyMs: returned + turnaround });
    const inside = { pickupAt: new Date(returned + 30 * 60_000).toISOString(), readyAt: new Date(returned + 120 * 60_000).toISOString() };
    const car = (await cars.get(carId, true))!;
    expect(refusalOf(car, { ...reservation, reservationId: randomUUID(), ...inside }, returned + 60_000)).toBe('CAR_TAKEN');
  });

  it('a change holds its new interval beside the old (a second block) while claimed, and lands or is undone exactly', async () => {
    const deps = depsWith();
    const carId = await newCar();
    const { reservation } = await requestBooking(deps, {
      userId: randomUUID(),
      carId,
      times: { pickupAt: `${day(122)}T10:00`, returnAt: `${day(122)}T12:00` },
    });
    expect(await decideBooking(deps, reservation.reservationId)).toBe('held');
    expect(await confirmReservation(deps, reservation.reservationId)).toBe(true);
    const confirmed = (await store.get(reservation.reservationId))!;
    const now = clock.now();
    const stale = new Date(now.getTime() - 300_000).toISOString();
    const later = { pickupAt: confirmed.pickupAt!, returnAt: `${day(122)}T16:00:00.000Z`, readyAt: `${day(122)}T17:00:00.000Z` };
    const to = { ...later, startDate: confirmed.startDate, endDate: confirmed.endDate, price: confirmed.price, lines: [] };
    const change = { changeId: 'ch-1', by: confirmed.userId, at: now.toISOString(), to };
    const read = (await cars.get(carId, true))!;
    const judged = (car: Car) => ({ car, stock: [], admit: () => undefined });

    // Claimed: the reservation carries it, the car holds both intervals; a second claim, a cancel and a pick-up wait.
    expect(await store.claimChange(confirmed, change, judged(read), now, stale)).toEqual({ kind: 'claimed' });
    const claimed = (await store.get(reservation.reservationId))!;
    expect(claimed.change).toMatchObject({ changeId: 'ch-1' });
    expect(await calendarBlock(carId, changeBlockId(reservation.reservationId))).toMatchObject({
      status: 'Pending',
      readyMs: Date.parse(later.readyAt),
    });
    expect(await store.claimChange(claimed, { ...change, changeId: 'ch-2' }, judged((await cars.get(carId, true))!), now, stale)).toEqual({
      kind: 'busy',
    });
    expect(await store.cancel(claimed, undefined, now)).toBe(false);
    const pickup = { by: 'agent-1', at: now.toISOString(), location: confirmed.car.location, odometerKm: 1, fuelLevel: 8 };
    expect(await store.claimPickup(claimed, pickup, stale)).toBe(false);
    // Judged on a calendar read before the claim: stale.
    expect(
      await store.claimChange(confirmed, { ...change, changeId: 'ch-3' }, judged(read), now, new Date(now.getTime() + 1).toISOString()),
    ).toEqual({ kind: 'stale' });

    // Lands: the new terms, one block on the new interval, the claim marked landed until released.
    expect(await store.commitChange(claimed, change, now, undefined)).toBe(true);
    expect(await store.commitChange(claimed, { ...change, changeId: 'other' }, now, undefined)).toBe(false);
    const landed = (await store.get(reservation.reservationId))!;
    expect(landed).toMatchObject({ returnAt: later.returnAt, readyAt: later.readyAt, change: { changeId: 'ch-1', landed: true } });
    expect(await calendarBlock(carId, changeBlockId(reservation.reservationId))).toBeUndefined();
    expect(await calendarBlock(carId, reservation.reservationId)).toMatchObject({
      status: 'Confirmed',
      readyMs: Date.parse(later.readyAt),
    });
    await store.releaseChange(landed, change, now);
    expect((await store.get(reservation.reservationId))!.change).toBeUndefined();

    // Another change claimed, then undone: the reservation and its block exactly as they were.
    const current = (await store.get(reservation.reservationId))!;
    const back = { ...change, changeId: 'ch-4', to: { ...to, returnAt: confirmed.returnAt!, readyAt: confirmed.readyAt! } };
    expect(await store.claimChange(current, back, judged((await cars.get(carId, true))!), now, stale)).toEqual({ kind: 'claimed' });
    await store.releaseChange(current, back, now);
    expect(await store.get(reservation.reservationId)).toEqual(current);
    expect((await cars.get(carId, true))!.blocks.map((b) => b.id)).toEqual([reservation.reservationId]);
  });

  it('a change is admitted against the customer’s limits on their other bookings, as a request is', async () => {
    const deps = depsWith();
    const userId = randomUUID();
    const booked = async (dayOffset: number) => {
      const { reservation } = await requestBooking(deps, {
        userId,
        carId: await newCar(),
        times: { pickupAt: `${day(dayOffset)}T10:00`, returnAt: `${day(dayOffset)}T16:00` },
      });
      expect(await decideBooking(deps, reservation.reservationId)).toBe('held');
      expect(await confirmReservation(deps, reservation.reservationId)).toBe(true);
      return (await store.get(reservation.reservationId))!;
    };
    await booked(130);
    await booked(130);
    const third = await booked(140);
    const onto = {
      ...third,
      pickupAt: `${day(130)}T10:00:00.000Z`,
      returnAt: `${day(130)}T16:00:00.000Z`,
      readyAt: `${day(130)}T17:00:00.000Z`,
    };
    const to = {
      pickupAt: onto.pickupAt,
      returnAt: onto.returnAt,
      readyAt: onto.readyAt,
      startDate: day(130),
      endDate: day(131),
      price: third.price,
      lines: [],
    };
    const now = clock.now();
    const admit = (others: CustomerUsage[]) => limitRefusal(others, intervalOf(onto), now, { ...bookingLimits(), maxOverlapping: 2 });
    const claim = await store.claimChange(
      third,
      { changeId: 'limits', by: userId, at: now.toISOString(), to },
      { car: (await cars.get(third.carId, true))!, stock: [], admit },
      now,
      new Date(now.getTime() - 300_000).toISOString(),
    );
    expect(claim).toMatchObject({ kind: 'refused', refused: { code: 'OVERLAP_LIMIT_REACHED' } });
    expect(await store.get(third.reservationId)).toEqual(third);
  });

  it('a v2 rental nobody picked up is a no-show at its deadline: the sweeper frees the car', async () => {
    const deps = depsWith();
    const carId = await newCar();
    const { reservation } = await requestBooking(deps, {
      userId: randomUUID(),
      carId,
      times: { pickupAt: `${day(121)}T10:00`, returnAt: `${day(121)}T18:00` },
    });
    expect(await decideBooking(deps, reservation.reservationId)).toBe('held');
    expect(await confirmReservation(deps, reservation.reservationId)).toBe(true);
    const deadline = noShowMs(reservation);
    await sweepReservations(depsWith({ clock: { now: () => new Date(deadline - 1_000) } }));
    expect(await store.get(reservation.reservationId)).toMatchObject({ status: 'Confirmed' });
    await sweepReservations(depsWith({ clock: { now: () => new Date(deadline) } }));
    expect(await store.get(reservation.reservationId)).toMatchObject({ status: 'NoShow' });
    expect(await calendarBlock(carId, reservation.reservationId)).toBeUndefined();
  });
});

describe('booking rules on the real store, with the clock set where the rule turns', () => {
  const at = (ms: number) => ({ now: () => new Date(ms) });

  it('a request decided late is held for the whole hold from the decision, not from the request', async () => {
    const carId = await newCar();
    const { reservation } = await request(depsWith(), carId, 5, 7);
    // The request waited in the queue longer than the hold itself.
    const decidedAt = Date.parse(reservation.createdAt) + 7 * 60_000;
    const deps = depsWith({ clock: at(decidedAt) });
    expect(await decideBooking(deps, reservation.reservationId)).toBe('held');
    const held = (await store.get(reservation.reservationId))!;
    expect(held.holdExpiresAt).toBe(decidedAt + deps.holdMs);
    expect((await cars.get(carId))!.blocks).toEqual([expect.objectContaining({ holdExpiresAt: decidedAt + deps.holdMs })]);
  });

  it('cancelled exactly 48 hours before pick-up: all back; a millisecond later: half (recorded on the reservation)', async () => {
    const confirmed = async () => {
      const deps = depsWith();
      const { reservation } = await request(deps, await newCar(), 8, 10);
      await decideBooking(deps, reservation.reservationId);
      expect(await confirmReservation(deps, reservation.reservationId)).toBe(true);
      return reservation;
    };
    const cancelAt = async (ms: number) => {
      const r = await confirmed();
      const pickup = Date.parse(`${r.startDate}T00:00:00Z`);
      const cancelled = await cancelReservation(
        depsWith({ clock: at(pickup - ms) }),
        { userId: r.userId, isAdmin: false },
        r.reservationId,
      );
      expect((await store.get(r.reservationId))!.refund).toEqual(cancelled.refund);
      return { total: r.price.totalMinor, refund: cancelled.refund };
    };
    const full = await cancelAt(48 * 3_600_000);
    expect(full.refund).toEqual({ percent: 100, amountMinor: full.total });
    const half = await cancelAt(48 * 3_600_000 - 1);
    expect(half.refund).toEqual({ percent: 50, amountMinor: Math.floor(half.total / 2) });
  });

  it("concurrent maintenance blocks with one admin's Idempotency-Key make one block, and all answer with it", async () => {
    const carId = await newCar();
    const mdeps = { ...depsWith(), cars, upcoming: new DynamoReservationsOfCar(db, aws.names.reservations) };
    const admin = { adminId: randomUUID(), idempotencyKey: randomUUID() };
    const period = { startDate: day(12), endDate: day(15) };
    const answers = await Promise.all(Array.from({ length: 5 }, () => addMaintenanceBlock(mdeps, carId, period, 'brakes', admin)));
    const blocks = (await cars.get(carId))!.blocks;
    expect(blocks).toHaveLength(1);
    expect(new Set(answers.map((b) => b.id))).toEqual(new Set([blocks[0].id]));
    expect(blocks[0]).toMatchObject({ kind: 'maintenance', ...daysOf(day(12), day(15)) });
  });
});

describe('reservation lists on keys-only indexes (a change of state writes the table, not byUserKeys/byCarKeys)', () => {
  it('holding and rejecting write no entry of byUserKeys or byCarKeys (as DynamoDB Local reports the capacity)', async () => {
    // Its own client: a middleware on the shared one would meter every other test's writes too.
    const raw = new DynamoDBClient(clientConfig(aws.endpoint));
    const consumed: ConsumedCapacity[] = [];
    raw.middlewareStack.add(
      (next) => async (args) => {
        (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'INDEXES';
        const result = await next(args);
        consumed.push(...[(result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity ?? []].flat());
        return result;
      },
      { step: 'initialize', name: 'indexCapacity' },
    );
    const metered = new DynamoReservationStore(DynamoDBDocumentClient.from(raw), aws.names.reservations, cars);
    const deps = depsWith({ reservations: metered });
    const carId = await newCar();
    const [a, b] = [await request(deps, carId, 40, 42), await request(deps, carId, 41, 43)];
    const indexesOf = () =>
      new Set(consumed.filter((c) => c.TableName === aws.names.reservations).flatMap((c) => Object.keys(c.GlobalSecondaryIndexes ?? {})));
    expect(indexesOf()).toEqual(new Set(['byUserKeys', 'byCarKeys', 'byDueKeys']));
    consumed.length = 0;
    expect(await decideBooking(deps, a.reservation.reservationId)).toBe('held');
    expect(await decideBooking(deps, b.reservation.reservationId)).toBe('CAR_TAKEN');
    // Only the due index moves: removed on rejection (a hold keeps the request's due time).
    expect(indexesOf()).toEqual(new Set(['byDueKeys']));
    raw.destroy();
  });

  it("lists read the reservations behind the keys: a customer's history by status page by page, a car's upcoming ones as they are now", async () => {
    const deps = depsWith({ limits: { ...DEFAULT_BOOKING_LIMITS, maxLiveHolds: 5 } });
    const userId = randomUUID();
    const carIds = await Promise.all(Array.from({ length: 5 }, () => newCar()));
    const made: Reservation[] = [];
    for (const [i, carId] of carIds.entries()) made.push((await request(deps, carId, 50 + i, 52 + i, userId)).reservation);
    // Three held, two rejected (as the worker rejects a request it cannot hold).
    for (const r of made.slice(0, 3)) expect(await decideBooking(deps, r.reservationId)).toBe('held');
    for (const r of made.slice(3)) expect(await store.reject(r, 'CAR_TAKEN', clock.now())).toBe(true);

    const all = async (status?: 'Pending' | 'Rejected') => {
      const pages = [];
      let cursor: string | undefined;
      do {
        const page = await store.listByUser(userId, { status, limit: 2, cursor });
        pages.push(page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return pages.flat();
    };
    const newestFirst = [...made].reverse().map((r) => r.reservationId);
    expect((await all()).map((r) => [r.reservationId, r.status])).toEqual(
      newestFirst.map((id) => [id, made.slice(3).some((r) => r.reservationId === id) ? 'Rejected' : 'Pending']),
    );
    expect((await all('Pending')).map((r) => r.reservationId)).toEqual(newestFirst.slice(2));
    expect((await all('Rejected')).map((r) => r.reservationId)).toEqual(newestFirst.slice(0, 2));

    // A car's upcoming: the held one with its state now (not the rejected one on the other car).
    const upcoming = await store.listByCar(carIds[0], { when: 'upcoming', limit: 10, now: clock.now() });
    expect(upcoming.items).toEqual([expect.objectContaining({ reservationId: made[0].reservationId, status: 'Pending' })]);
    expect((await store.listByCar(carIds[4], { when: 'upcoming', limit: 10, now: clock.now() })).items).toEqual([]);
    expect(await new DynamoReservationsOfCar(db, aws.names.reservations).upcoming(carIds[0], clock.now())).toEqual([
      expect.objectContaining({ reservationId: made[0].reservationId, status: 'Pending' }),
    ]);
  });
});
