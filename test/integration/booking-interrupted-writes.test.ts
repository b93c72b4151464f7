import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ledgerKey } from '../../lambdas/adapters/bookings/customer-ledger';
import { claimKey, reservationKey } from '../../lambdas/adapters/bookings/reservation-item';
import { DynamoReservationStore } from '../../lambdas/adapters/bookings/reservation-store';
import { writeItem } from '../../lambdas/adapters/dynamo-conflicts';
import { DynamoCarRepository } from '../../lambdas/adapters/fleet/car-repository';
import { decideBooking } from '../../lambdas/domain/bookings/decide';
import { cancelReservation } from '../../lambdas/domain/bookings/lifecycle';
import { DEFAULT_BOOKING_LIMITS } from '../../lambdas/domain/bookings/limits';
import type { BookingDeps } from '../../lambdas/domain/bookings/ports';
import { requestBooking } from '../../lambdas/domain/bookings/request';
import { intervalOf, type Reservation } from '../../lambdas/domain/bookings/reservation';
import { requestHash } from '../../lambdas/domain/idempotency';
import type { Car } from '../../lambdas/domain/fleet/car';
import { ShiftedClock } from '../../lambdas/shared/clock';
import { AppError } from '../../lambdas/shared/errors';
import { testTables, type TestTables } from '../support/aws-services';
import { interceptedClient } from '../support/intercepted-client';
import { storeOnlyBookingDeps } from '../support/booking-deps';
import { carFixture } from '../support/fixtures/car';

// A booking's writes are single-item writes in a fixed order (the customer's ledger, then the
// reservation; the car's calendar, then the reservation), so a crash can stop one between two writes.
// Each test stops one there, on DynamoDB Local, and shows that the next step finds and completes (or
// undoes) what was left, never booking a car twice or counting a request twice.
let aws: TestTables;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let cars: DynamoCarRepository;
let store: DynamoReservationStore;
const clock = new ShiftedClock();
/** Fails the next write that matches, once, as a crash or an outage between two writes would. */
const failNext: { match?: (command: string, input: Record<string, unknown>) => boolean } = {};

const deps = (patch: Partial<BookingDeps> = {}): BookingDeps =>
  storeOnlyBookingDeps({ reservations: store, cars, clock, limits: DEFAULT_BOOKING_LIMITS, ...patch });
const day = (offset: number) => new Date(clock.now().getTime() + offset * 86_400_000).toISOString().slice(0, 10);
const newCar = async (): Promise<string> => {
  const at = clock.now().toISOString();
  const car = carFixture({ carId: randomUUID(), location: 'BOS', createdAt: at, updatedAt: at });
  await cars.create(car);
  return car.carId;
};
const book = (userId: string, carId: string, from: number, to: number, idempotencyKey?: string) =>
  requestBooking(deps(), { userId, carId, period: { startDate: day(from), endDate: day(to) }, idempotencyKey });
const ledgerOf = async (userId: string) =>
  (await db.send(new GetCommand({ TableName: aws.names.reservations, Key: ledgerKey(userId), ConsistentRead: true }))).Item ?? {};
const usageIds = (ledger: Record<string, unknown>) =>
  Object.keys(ledger)
    .filter((k) => k.startsWith('u_'))
    .map((k) => k.slice(2))
    .sort();
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: AppError) => err,
  );
/** What the decider's first write does: the hold's block on the car, conditional on the calendar read. */
const putHoldOnCar = async (r: Reservation, car: Car, expiresAt: number) =>
  writeItem(
    db,
    cars.blockClause(r.carId, {
      set: {
        id: r.reservationId,
        kind: 'reservation',
        ...intervalOf(r),
        from: r.startDate,
        to: r.endDate,
        status: 'Pending',
        holdExpiresAt: expiresAt,
      },
      unchangedSince: car,
      now: clock.now(),
    }),
  );

beforeAll(async () => {
  aws = await testTables();
  ({ raw, db } = interceptedClient(aws.endpoint, (command, input) => {
    if (failNext.match?.(command, input)) {
      failNext.match = undefined;
      throw Object.assign(new Error('connect ETIMEDOUT (injected)'), { name: 'TimeoutError' });
    }
  }));
  cars = new DynamoCarRepository(db, aws.names.cars);
  store = new DynamoReservationStore(db, aws.names.reservations, cars);
}, 60_000);

afterEach(() => (failNext.match = undefined));

afterAll(async () => {
  raw?.destroy();
  await aws?.drop();
});

describe('a request admitted by the ledger whose reservation was never written', () => {
  it("the client's retry with its Idempotency-Key writes it under the id its claim names, counted once", async () => {
    const userId = randomUUID();
    const carId = await newCar();
    failNext.match = (command, input) => command === 'PutItemCommand' && String((input.Item as { pk: string }).pk).startsWith('RES#');
    expect(await refusal(book(userId, carId, 10, 12, 'key-1'))).toMatchObject({ name: 'TimeoutError' });
    const admitted = usageIds(await ledgerOf(userId));
    expect(admitted).toHaveLength(1);
    expect(await store.get(admitted[0])).toBeUndefined();

    const retried = await book(userId, carId, 10, 12, 'key-1');
    expect(retried.reservation.reservationId).toBe(admitted[0]);
    expect(await store.get(admitted[0])).toMatchObject({ status: 'Requested', carId });
    expect(usageIds(await ledgerOf(userId))).toEqual(admitted);
    // And again: now a replay of what was written.
    expect(await book(userId, carId, 10, 12, 'key-1')).toMatchObject({ replayed: true, reservation: { reservationId: admitted[0] } });
  });

  it('once its count has lapsed (the request window), the same key makes a new request', async () => {
    const userId = randomUUID();
    const carId = await newCar();
    failNext.match = (command, input) => command === 'PutItemCommand' && String((input.Item as { pk: string }).pk).startsWith('RES#');
    await refusal(book(userId, carId, 20, 22, 'key-2'));
    const [lost] = usageIds(await ledgerOf(userId));
    // Its window and the longest hold it could have had.
    clock.advance(21 * 60_000);
    const fresh = await book(userId, carId, 20, 22, 'key-2');
    expect(fresh.replayed).toBe(false);
    expect(fresh.reservation.reservationId).not.toBe(lost);
    // The lapsed count is pruned by that admission.
    expect(usageIds(await ledgerOf(userId))).toEqual([fresh.reservation.reservationId]);
  });
});

describe('a decision stopped after the hold reached the car', () => {
  it('its redelivery completes that hold as it is (same expiry, no second calendar write); meanwhile nobody else could take the car', async () => {
    const carId = await newCar();
    const { reservation } = await book(randomUUID(), carId, 30, 33);
    const car = (await cars.get(carId, true))!;
    const expiresAt = clock.now().getTime() + 5 * 60_000 - 7_000;
    expect(await putHoldOnCar(reservation, car, expiresAt)).toBe(true);

    const rival = (await book(randomUUID(), carId, 31, 32)).reservation;
    expect(await decideBooking(deps(), rival.reservationId)).toBe('CAR_TAKEN');

    const versionBefore = (await cars.get(carId, true))!.blocksVersion;
    expect(await decideBooking(deps(), reservation.reservationId)).toBe('held');
    expect(await store.get(reservation.reservationId)).toMatchObject({ status: 'Pending', holdExpiresAt: expiresAt });
    const after = (await cars.get(carId, true))!;
    expect(after.blocksVersion).toBe(versionBefore);
    expect(after.blocks).toEqual([expect.objectContaining({ id: reservation.reservationId, holdExpiresAt: expiresAt })]);
    // Its count is the hold's.
    expect((await ledgerOf(reservation.userId))[`u_${reservation.reservationId}`]).toMatchObject({ u: expiresAt });
  });

  it('when the request was cancelled in between, the hold comes off the car (whichever came first)', async () => {
    const userId = randomUUID();
    const carId = await newCar();
    // The cancel lands after the block: it takes the block off.
    const first = (await book(userId, carId, 40, 42)).reservation;
    await putHoldOnCar(first, (await cars.get(carId, true))!, clock.now().getTime() + 60_000);
    await cancelReservation(deps(), { userId, isAdmin: false }, first.reservationId);
    expect((await cars.get(carId, true))!.blocks).toEqual([]);

    // The cancel lands before the reservation follows the block: the decider takes its block off.
    const second = (await book(userId, carId, 40, 42)).reservation;
    failNext.match = (command, input) =>
      command === 'UpdateItemCommand' && (input.Key as { pk: string }).pk === reservationKey(second.reservationId).pk;
    await expect(decideBooking(deps(), second.reservationId)).rejects.toMatchObject({ name: 'TimeoutError' });
    expect((await cars.get(carId, true))!.blocks.map((b) => b.id)).toEqual([second.reservationId]);
    await cancelReservation(deps(), { userId, isAdmin: false }, second.reservationId);
    expect((await cars.get(carId, true))!.blocks).toEqual([]);
    expect(await decideBooking(deps(), second.reservationId)).toBe('alreadyDecided');

    // Or the decider, holding a request it read before the cancel, finds it cancelled: its block comes off.
    const third = (await book(userId, carId, 40, 42)).reservation;
    const read = (await store.get(third.reservationId))!;
    await cancelReservation(deps(), { userId, isAdmin: false }, third.reservationId);
    const terms = { expiresAt: clock.now().getTime() + 60_000, onCar: false, requestedAfter: new Date(0).toISOString() };
    expect(await store.hold(read, (await cars.get(carId, true))!, terms, clock.now())).toEqual({ kind: 'alreadyDecided' });
    expect((await cars.get(carId, true))!.blocks).toEqual([]);
    expect(usageIds(await ledgerOf(userId))).toEqual([]);
  });
});

describe('usage written before the ledger', () => {
  it("a customer's usage items from before are counted, and the first admission folds in those that still count", async () => {
    const userId = randomUUID();
    const carIds = await Promise.all(Array.from({ length: 5 }, async () => await newCar()));
    // As the store wrote them before the ledger: a usage item per reservation and a VERSION item. Two
    // open requests, a paid booking, and one whose reservation has ended (its item left behind).
    const until = clock.now().getTime() + 10 * 60_000;
    const put = (item: Record<string, unknown>) => db.send(new PutCommand({ TableName: aws.names.reservations, Item: item }));
    const old = async (carId: string, from: number, status: Reservation['status'], counted: { until?: number }) => {
      const { reservation } = await book(randomUUID(), carId, from, from + 1);
      const r = { ...reservation, userId, status };
      await put({ pk: `RES#${r.reservationId}`, sk: 'RES', ...r });
      await put({
        pk: `CUSTOMER#${userId}`,
        sk: `RES#${r.reservationId}`,
        reservationId: r.reservationId,
        startDate: r.startDate,
        endDate: r.endDate,
        ...counted,
      });
      return r.reservationId;
    };
    const open = [await old(carIds[0], 50, 'Requested', { until }), await old(carIds[1], 52, 'Requested', { until })];
    const paid = await old(carIds[2], 54, 'Confirmed', {});
    await old(carIds[3], 56, 'Cancelled', { until });
    await put({ pk: `CUSTOMER#${userId}`, sk: 'VERSION', version: 4 });

    const third = await book(userId, carIds[4], 58, 59);
    const ledger = await ledgerOf(userId);
    expect(usageIds(ledger)).toEqual([...open, paid, third.reservation.reservationId].sort());
    expect(ledger.v).toBe(1);
    // Three open requests now (two from before): a fourth is refused.
    expect(await refusal(book(userId, carIds[3], 60, 61))).toMatchObject({ code: 'HOLD_LIMIT_REACHED' });
  });

  it('an Idempotency-Key claimed before the ledger still names its request', async () => {
    const userId = randomUUID();
    const carId = await newCar();
    const { reservation } = await book(randomUUID(), carId, 80, 82);
    const mine = { ...reservation, userId };
    const put = (item: Record<string, unknown>) => db.send(new PutCommand({ TableName: aws.names.reservations, Item: item }));
    await put({ pk: `RES#${mine.reservationId}`, sk: 'RES', ...mine });
    await put({ pk: `CUSTOMER#${userId}`, sk: 'VERSION', version: 1 });
    // The fingerprint the request hashes to (car and days), as the old store wrote it with the claim.
    const fingerprint = requestHash(carId, day(80), day(82));
    await put({
      ...claimKey(userId, `KEY#${requestHash('old-key')}`),
      reservationId: mine.reservationId,
      fingerprint,
      claimUntil: clock.now().getTime() + 3_600_000,
    });
    const again = await book(userId, carId, 80, 82, 'old-key');
    expect(again).toMatchObject({ replayed: true, reservation: { reservationId: mine.reservationId } });
  });
});
