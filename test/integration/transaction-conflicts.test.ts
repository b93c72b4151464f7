import { randomUUID } from 'node:crypto';
import { DynamoDBClient, TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoProfileStore } from '../../lambdas/adapters/accounts/dynamo-profile-store';
import { ledgerKey } from '../../lambdas/adapters/bookings/customer-ledger';
import { reservationKey, toReservationItem } from '../../lambdas/adapters/bookings/reservation-item';
import { DynamoReservationStore } from '../../lambdas/adapters/bookings/reservation-store';
import { CONFLICT_RETRIES } from '../../lambdas/adapters/dynamo-conflicts';
import { toFeedbackItem } from '../../lambdas/adapters/feedback/feedback-item';
import { DynamoFeedbackStore } from '../../lambdas/adapters/feedback/feedback-store';
import { DynamoRatingLedger } from '../../lambdas/adapters/feedback/rating-ledger';
import { DynamoCarRepository } from '../../lambdas/adapters/fleet/car-repository';
import type { Reservation, ReservationStatus } from '../../lambdas/domain/bookings/reservation';
import type { Feedback } from '../../lambdas/domain/feedback/feedback';
import { totalsOf } from '../../lambdas/domain/feedback/ratings';
import type { MaintenanceBlock } from '../../lambdas/domain/fleet/availability';
import { dayInterval } from '../../lambdas/domain/fleet/interval';
import type { Car, Photo } from '../../lambdas/domain/fleet/car';
import { toErrorResponse } from '../../lambdas/http/error-response';
import { carFixture } from '../support/fixtures/car';
import { testTables, type TestTables } from '../support/aws-services';
import { interceptedClient } from '../support/intercepted-client';

// DynamoDB cancels a transaction that meets another in-flight transaction with the reason
// `TransactionConflict`, and fails a single-item write on such an item with TransactionConflictException.
// DynamoDB Local never does either, so an SDK middleware on a real client (pointed at DynamoDB Local)
// makes the chosen command fail that way before it is sent: once (the store retries and the write lands)
// or every time (a clear 503 with Retry-After, never a 500), for every transactional or conditional
// write of every store.
let aws: TestTables;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let cars: DynamoCarRepository;
let reservations: DynamoReservationStore;
let feedback: DynamoFeedbackStore;
let ledger: DynamoRatingLedger;
let profiles: DynamoProfileStore;

const inject = { command: '', times: 0, injected: 0 };
const TRANSACTION = 'TransactWriteItemsCommand';

/** The error DynamoDB answers for `command` when another transaction holds one of its items. */
const conflictFor = (command: string, input: { TransactItems?: unknown[] }) =>
  command === TRANSACTION
    ? new TransactionCanceledException({
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]',
        $metadata: { httpStatusCode: 400 },
        CancellationReasons: (input.TransactItems ?? []).map((_, i) =>
          i === 0 ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' } : { Code: 'None' },
        ),
      })
    : new TransactionConflictException({
        message: 'Transaction is ongoing for the item',
        $metadata: { httpStatusCode: 400 },
      });

const NOW = new Date();
const day = (offset: number) => new Date(NOW.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
const at = NOW.toISOString();

const newCar = async (): Promise<Car> => {
  const car = carFixture({ carId: randomUUID(), createdAt: at, updatedAt: at });
  await cars.create(car);
  return (await cars.get(car.carId))!;
};
const readCar = async (carId: string) => (await cars.get(carId))!;

const reservationOf = (car: Car, status: ReservationStatus, patch: Partial<Reservation> = {}): Reservation => ({
  reservationId: randomUUID(),
  userId: randomUUID(),
  carId: car.carId,
  startDate: day(10),
  endDate: day(12),
  status,
  price: { currency: 'USD', dailyMinor: 5_000, days: 2, totalMinor: 10_000 },
  car: { make: 'Kia', model: 'Rio', year: 2023, type: 'COMPACT', location: car.location },
  createdAt: at,
  updatedAt: at,
  ...patch,
});
/** The customer's limits are not what these writes are about: every request is admitted. */
const ADMIT_ALL = { admit: () => undefined, countsUntil: NOW.getTime() + 60_000 };
const holdTerms = (expiresAt: number) => ({ expiresAt, onCar: false, requestedAfter: new Date(NOW.getTime() - 900_000).toISOString() });
/** A reservation of a new car, requested and then moved to `status` through the store itself. */
const stored = async (status: 'Requested' | 'Pending' | 'Confirmed' | 'PendingLapsed') => {
  const car = await newCar();
  const r = reservationOf(car, 'Requested');
  await reservations.create(r, [], NOW.getTime() + 60_000, ADMIT_ALL);
  if (status === 'Requested') return { car, r };
  const lapsed = status === 'PendingLapsed';
  const holdExpiresAt = NOW.getTime() + (lapsed ? -1_000 : 300_000);
  await reservations.hold(r, car, holdTerms(holdExpiresAt), lapsed ? new Date(holdExpiresAt - 60_000) : NOW);
  const pending = { ...r, status: 'Pending' as const, holdExpiresAt };
  if (status !== 'Confirmed') return { car, r: pending };
  await reservations.confirm(pending, NOW, NOW.getTime() + 86_400_000);
  return { car, r: { ...pending, status: 'Confirmed' as const, holdExpiresAt: undefined } };
};
const statusOf = async (reservationId: string) =>
  (await db.send(new GetCommand({ TableName: aws.names.reservations, Key: reservationKey(reservationId), ConsistentRead: true }))).Item
    ?.status;

const maintenance = (): MaintenanceBlock => ({
  id: randomUUID(),
  kind: 'maintenance',
  from: day(20),
  to: day(22),
  ...dayInterval({ startDate: day(20), endDate: day(22) }),
  reason: 'Service',
});
const claim = (owner = randomUUID()) => ({ owner, key: randomUUID(), fingerprint: 'f', until: NOW.getTime() + 60_000 });
const photo = (): Photo => ({ photoId: randomUUID(), key: `cars/x/${randomUUID()}.jpg`, contentType: 'image/jpeg', createdAt: at });

const completedWithFeedback = async () => {
  const car = await newCar();
  const r = reservationOf(car, 'Completed', { startDate: day(-5), endDate: day(-3) });
  await db.send(new PutCommand({ TableName: aws.names.reservations, Item: toReservationItem(r) }));
  const f: Feedback = {
    feedbackId: randomUUID(),
    reservationId: r.reservationId,
    carId: car.carId,
    userId: r.userId,
    reviewerName: 'Ada',
    rating: 4,
    comments: 'ok',
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  return { car, r, f };
};

const pendingEmail = async () => {
  const email = `${randomUUID()}@example.com`;
  const attempt = randomUUID();
  await profiles.claimEmail(email, { attempt, heldUntil: new Date(NOW.getTime() + 60_000), fingerprint: { hash: 'h', salt: 's' } }, NOW);
  return { email, attempt };
};
const profileOf = (userId: string, email: string) => ({
  userId,
  email,
  name: 'Ada',
  role: 'customer' as const,
  mfaEnabled: false,
  emailVerified: false,
  createdAt: at,
  updatedAt: at,
});

interface Case {
  /** The command the write sends (the one the conflict is injected into). */
  command?: string;
  /** Sets up what the write needs (not injected) and returns the write and a check that it landed. */
  arrange(): Promise<{ write: () => Promise<unknown>; landed: (result: unknown) => Promise<void> }>;
}

const cases: Record<string, Case> = {
  'car create (with an Idempotency-Key)': {
    async arrange() {
      const car = carFixture({ carId: randomUUID(), createdAt: at, updatedAt: at });
      return {
        write: () => cars.create(car, claim()),
        landed: async (result) => {
          expect(result).toEqual({ created: true });
          expect(await cars.get(car.carId)).toBeDefined();
        },
      };
    },
  },
  'car update': {
    async arrange() {
      const car = await newCar();
      return {
        write: () => cars.update(car, { ...car, model: 'Stonic' }, at),
        landed: async () => expect((await readCar(car.carId)).model).toBe('Stonic'),
      };
    },
  },
  'car removal': {
    async arrange() {
      const car = await newCar();
      return { write: () => cars.remove(car, at), landed: async () => expect((await readCar(car.carId)).status).toBe('removed') };
    },
  },
  'photo upload (with an Idempotency-Key)': {
    async arrange() {
      const car = await newCar();
      const p = photo();
      return {
        write: () => cars.addPhoto(car.carId, p, { max: 10, seen: 0 }, claim()),
        landed: async () => expect((await cars.getWithPhotos(car.carId))?.photos.map((x) => x.photoId)).toEqual([p.photoId]),
      };
    },
  },
  'photo deletion': {
    async arrange() {
      const car = await newCar();
      const p = await cars.addPhoto(car.carId, photo(), { max: 10, seen: 0 });
      return {
        write: () => cars.deletePhoto(car.carId, p.photoId),
        landed: async () => expect((await cars.getWithPhotos(car.carId))?.photos).toEqual([]),
      };
    },
  },
  "photo deletion's cover update (single conditional write)": {
    command: 'UpdateItemCommand',
    async arrange() {
      const car = await newCar();
      const p = await cars.addPhoto(car.carId, photo(), { max: 10, seen: 0 });
      return {
        write: () => cars.deletePhoto(car.carId, p.photoId),
        landed: async () => expect((await readCar(car.carId)).coverPhotoKey).toBeUndefined(),
      };
    },
  },
  'reservation create (with a request claim; the ledger admits it, single conditional write)': {
    command: 'UpdateItemCommand',
    async arrange() {
      const car = await newCar();
      const r = reservationOf(car, 'Requested');
      return {
        write: () =>
          reservations.create(r, [{ key: randomUUID(), fingerprint: 'f', until: NOW.getTime() + 60_000 }], NOW.getTime(), ADMIT_ALL),
        landed: async (result) => {
          expect(result).toEqual({ created: true, reservationId: r.reservationId });
          expect(await statusOf(r.reservationId)).toBe('Requested');
        },
      };
    },
  },
  'reservation discard (single conditional write)': {
    command: 'DeleteItemCommand',
    async arrange() {
      const car = await newCar();
      const r = reservationOf(car, 'Requested');
      const c = { key: randomUUID(), fingerprint: 'f', until: NOW.getTime() + 60_000 };
      await reservations.create(r, [c], NOW.getTime(), ADMIT_ALL);
      return {
        write: () => reservations.discard(r, [c]),
        landed: async () => {
          expect(await statusOf(r.reservationId)).toBeUndefined();
          const ledgerItem = await db.send(new GetCommand({ TableName: aws.names.reservations, Key: ledgerKey(r.userId) }));
          expect(ledgerItem.Item?.[`c_${c.key}`]).toBeUndefined();
          expect(ledgerItem.Item?.[`u_${r.reservationId}`]).toBeUndefined();
        },
      };
    },
  },
  'booking hold (the calendar, single conditional write)': {
    command: 'UpdateItemCommand',
    async arrange() {
      const { car, r } = await stored('Requested');
      return {
        write: () => reservations.hold(r, car, holdTerms(NOW.getTime() + 300_000), NOW),
        landed: async (result) => {
          expect(result).toEqual({ kind: 'held' });
          expect((await cars.get(car.carId, true))!.blocks.map((b) => b.id)).toEqual([r.reservationId]);
        },
      };
    },
  },
  'booking rejection (single conditional write)': {
    command: 'UpdateItemCommand',
    async arrange() {
      const { r } = await stored('Requested');
      return {
        write: () => reservations.reject(r, 'CAR_TAKEN', NOW),
        landed: async (result) => {
          expect(result).toBe(true);
          expect(await statusOf(r.reservationId)).toBe('Rejected');
        },
      };
    },
  },
  confirmation: {
    async arrange() {
      const { r } = await stored('Pending');
      return {
        write: () => reservations.confirm(r, NOW, NOW.getTime() + 86_400_000),
        landed: async (result) => {
          expect(result).toBe(true);
          expect(await statusOf(r.reservationId)).toBe('Confirmed');
        },
      };
    },
  },
  cancellation: {
    async arrange() {
      const { r } = await stored('Confirmed');
      return {
        write: () => reservations.cancel(r, undefined, NOW),
        landed: async (result) => {
          expect(result).toBe(true);
          expect(await statusOf(r.reservationId)).toBe('Cancelled');
        },
      };
    },
  },
  expiry: {
    async arrange() {
      const { r } = await stored('PendingLapsed');
      return {
        write: () => reservations.expire(r, NOW),
        landed: async (result) => {
          expect(result).toBe(true);
          expect(await statusOf(r.reservationId)).toBe('Expired');
        },
      };
    },
  },
  completion: {
    async arrange() {
      const { r } = await stored('Confirmed');
      return {
        write: () => reservations.complete(r, NOW),
        landed: async (result) => {
          expect(result).toBe(true);
          expect(await statusOf(r.reservationId)).toBe('Completed');
        },
      };
    },
  },
  'reminder mark (single conditional write)': {
    command: 'UpdateItemCommand',
    async arrange() {
      const { r } = await stored('Confirmed');
      return {
        write: () => reservations.reminded(r, NOW, NOW.getTime() + 1_000),
        landed: async () => {
          const item = await db.send(new GetCommand({ TableName: aws.names.reservations, Key: reservationKey(r.reservationId) }));
          expect(item.Item?.remindedAt).toBe(at);
        },
      };
    },
  },
  'maintenance block (with an Idempotency-Key)': {
    async arrange() {
      const car = await newCar();
      const block = maintenance();
      return {
        write: () => reservations.block(car, block, NOW, claim()),
        landed: async (result) => {
          expect(result).toEqual({ blocked: true });
          expect((await readCar(car.carId)).blocks.map((b) => b.id)).toEqual([block.id]);
        },
      };
    },
  },
  'maintenance unblock': {
    async arrange() {
      const car = await newCar();
      const block = maintenance();
      await reservations.block(car, block, NOW);
      return {
        write: async () => reservations.unblock(await readCar(car.carId), block, NOW),
        landed: async () => expect((await readCar(car.carId)).blocks).toEqual([]),
      };
    },
  },
  'feedback submission': {
    async arrange() {
      const { f } = await completedWithFeedback();
      return {
        write: () => feedback.create(f, NOW),
        landed: async (result) => {
          expect(result).toBe(true);
          expect(await feedback.get(f.feedbackId)).toBeDefined();
        },
      };
    },
  },
  'feedback moderation (single conditional write)': {
    command: 'UpdateItemCommand',
    async arrange() {
      const { f } = await completedWithFeedback();
      await db.send(new PutCommand({ TableName: aws.names.feedback, Item: toFeedbackItem(f) }));
      return {
        write: () => feedback.setHidden(f, { reason: 'Spam', by: 'admin', at }, NOW),
        landed: async (result) => {
          expect(result).toBe(true);
          expect((await feedback.get(f.feedbackId))?.hidden?.reason).toBe('Spam');
        },
      };
    },
  },
  'rating change': {
    async arrange() {
      const { car, f } = await completedWithFeedback();
      return {
        write: () => ledger.commit(car.carId, f.feedbackId, undefined, { version: 1, contribution: 4 }, totalsOf([4])),
        landed: async (result) => {
          expect(result).toBe(true);
          expect((await readCar(car.carId)).ratingCount).toBe(1);
        },
      };
    },
  },
  'registration (profile and email guard)': {
    async arrange() {
      const { email, attempt } = await pendingEmail();
      const userId = randomUUID();
      return {
        write: () => profiles.create(profileOf(userId, email), attempt),
        landed: async () => expect((await profiles.get(userId))?.email).toBe(email),
      };
    },
  },
  'email claim (single conditional write)': {
    command: 'PutItemCommand',
    async arrange() {
      const email = `${randomUUID()}@example.com`;
      return {
        write: () =>
          profiles.claimEmail(
            email,
            { attempt: 'a', heldUntil: new Date(NOW.getTime() + 60_000), fingerprint: { hash: 'h', salt: 's' } },
            NOW,
          ),
        landed: async (result) => expect(result).toBeUndefined(),
      };
    },
  },
  'profile update (single conditional write)': {
    command: 'UpdateItemCommand',
    async arrange() {
      const { email, attempt } = await pendingEmail();
      const userId = randomUUID();
      await profiles.create(profileOf(userId, email), attempt);
      return {
        write: () => profiles.update(userId, { name: 'Grace' }, NOW),
        landed: async () => expect((await profiles.get(userId))?.name).toBe('Grace'),
      };
    },
  },
};

beforeAll(async () => {
  aws = await testTables();
  // A client of its own, so the injected conflicts reach nothing else.
  ({ raw, db } = interceptedClient(aws.endpoint, (command, input) => {
    if (command === inject.command && inject.injected < inject.times) {
      inject.injected++;
      throw conflictFor(command, input);
    }
  }));
  cars = new DynamoCarRepository(db, aws.names.cars);
  reservations = new DynamoReservationStore(db, aws.names.reservations, cars);
  feedback = new DynamoFeedbackStore(db, aws.names.feedback, aws.names.reservations);
  ledger = new DynamoRatingLedger(db, aws.names.cars);
  profiles = new DynamoProfileStore(db, aws.names.users);
}, 60_000);

afterEach(() => Object.assign(inject, { command: '', times: 0, injected: 0 }));

afterAll(async () => {
  raw?.destroy();
  await aws?.drop();
});

const names = Object.keys(cases);

describe('a write that meets another transaction', () => {
  it.each(names)('%s: one conflict is retried and the write lands', async (name) => {
    const { write, landed } = await cases[name].arrange();
    Object.assign(inject, { command: cases[name].command ?? TRANSACTION, times: 1 });
    const result = await write();
    expect(inject.injected).toBe(1);
    await landed(result);
  });

  it.each(names)('%s: a conflict that persists is a 503 with Retry-After, not a 500', async (name) => {
    const { write } = await cases[name].arrange();
    Object.assign(inject, { command: cases[name].command ?? TRANSACTION, times: Infinity });
    const thrown = await write().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(inject.injected).toBe(CONFLICT_RETRIES + 1);
    const response = toErrorResponse(thrown);
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(JSON.parse(response.body).error.code).toBe('SERVICE_UNAVAILABLE');
  });
});
