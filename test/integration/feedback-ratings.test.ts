import { carFixture } from '../support/fixtures/car';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent, Context } from 'aws-lambda';
import RedisMock from 'ioredis-mock';
import { toReservationItem } from '../../lambdas/adapters/bookings/reservation-item';
import { toFeedbackItem } from '../../lambdas/adapters/feedback/feedback-item';
import { DynamoFeedbackStore } from '../../lambdas/adapters/feedback/feedback-store';
import { DynamoRatingLedger } from '../../lambdas/adapters/feedback/rating-ledger';
import { DynamoCarRepository } from '../../lambdas/adapters/fleet/car-repository';
import { useRedisFactory } from '../../lambdas/adapters/redis';
import { capabilities } from '../../lambdas/capabilities';
import type { Reservation } from '../../lambdas/domain/bookings/reservation';
import type { Feedback } from '../../lambdas/domain/feedback/feedback';
import { totalsOf, type RatingTotals } from '../../lambdas/domain/feedback/ratings';
import { lambdaContext } from '../../local/events';
import { loadHandler } from '../../local/handlers';
import { clientConfig } from '../../local/standins/aws';
import { startStreamConsumer, type Worker } from '../../local/workers';
import { sdkEnvironment, testTables, type TestTables } from '../support/aws-services';

// The rating aggregator end to end on DynamoDB Local: feedback written by the store reaches the car's
// totals through the table's stream, via the local twin of Lambda's stream event source.
let aws: TestTables;
let raw: DynamoDBClient;
let streams: DynamoDBStreamsClient;
let db: DynamoDBDocumentClient;
let cars: DynamoCarRepository;
let store: DynamoFeedbackStore;
let worker: Worker | undefined;
const savedEnv = { ...process.env };
const NOW = new Date();
const ENTRY = capabilities.aggregateRatings.entry;
type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 150));
  }
};

const newCar = async (): Promise<string> => {
  const carId = randomUUID();
  const car = carFixture({ carId, createdAt: NOW.toISOString(), updatedAt: NOW.toISOString() });
  await cars.create(car);
  return carId;
};

const completedReservation = async (carId: string, userId = randomUUID()): Promise<Reservation> => {
  const r: Reservation = {
    reservationId: randomUUID(),
    userId,
    carId,
    startDate: '2030-01-01',
    endDate: '2030-01-03',
    status: 'Completed',
    price: { currency: 'USD', dailyMinor: 5_000, days: 2, totalMinor: 10_000 },
    car: { make: 'Kia', model: 'Rio', year: 2023, type: 'COMPACT', location: 'BOS' },
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  };
  await db.send(new PutCommand({ TableName: aws.names.reservations, Item: toReservationItem(r) }));
  return r;
};

const feedbackFor = (r: Reservation, rating: number): Feedback => ({
  feedbackId: randomUUID(),
  reservationId: r.reservationId,
  carId: r.carId,
  userId: r.userId,
  reviewerName: 'Ada',
  rating,
  comments: 'ok',
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
  version: 1,
});

const submit = async (carId: string, rating: number): Promise<Feedback> => {
  const f = feedbackFor(await completedReservation(carId), rating);
  expect(await store.create(f, NOW)).toBe(true);
  return f;
};

const totalsOfCar = async (carId: string): Promise<RatingTotals> => {
  const car = (await cars.get(carId))!;
  return { count: car.ratingCount, total: car.ratingTotal, stars: car.ratingStars };
};
const converges = (carId: string, expected: RatingTotals) =>
  until(async () => JSON.stringify(await totalsOfCar(carId)) === JSON.stringify(expected)).catch(async (err) => {
    expect(await totalsOfCar(carId)).toEqual(expected); // the diff, when it did not converge
    throw err;
  });

beforeAll(async () => {
  aws = await testTables();
  // The handler module builds its clients from the environment when first loaded, as in Lambda.
  Object.assign(process.env, {
    ...sdkEnvironment(),
    AWS_ENDPOINT_URL_DYNAMODB: aws.endpoint,
    CARS_TABLE: aws.names.cars,
    FEEDBACK_TABLE: aws.names.feedback,
    RESERVATIONS_TABLE: aws.names.reservations,
  });
  ({ raw, db } = aws);
  streams = new DynamoDBStreamsClient(clientConfig(aws.endpoint));
  cars = new DynamoCarRepository(db, aws.names.cars);
  store = new DynamoFeedbackStore(db, aws.names.feedback, aws.names.reservations);
  useRedisFactory(async () => new RedisMock());
  const capability = capabilities.aggregateRatings;
  worker = startStreamConsumer({
    name: 'aggregateRatings',
    capability,
    trigger: capability.trigger,
    tableName: aws.names.feedback,
    ddb: raw,
    streams,
    pollMs: 100,
  });
}, 90_000);

afterAll(async () => {
  await worker?.stop();
  useRedisFactory();
  streams?.destroy();
  await aws?.drop();
  process.env = savedEnv;
});

describe('rating aggregation through the feedback stream', () => {
  it('submits, a hide, an unhide and a redelivery end in the totals of the visible feedback', async () => {
    const carId = await newCar();
    const other = await newCar();
    const a = await submit(carId, 5);
    const b = await submit(carId, 3);
    const c = await submit(carId, 5);
    await submit(other, 1);
    await converges(carId, totalsOf([5, 3, 5]));
    await converges(other, totalsOf([1]));

    // Hide b: its 3 stars leave the totals.
    const moderation = { reason: 'spam', by: 'admin', at: NOW.toISOString() };
    expect(await store.setHidden(b, moderation, NOW)).toBe(true);
    await converges(carId, totalsOf([5, 5]));
    expect(await totalsOfCar(carId)).toEqual({ count: 2, total: 10, stars: [0, 0, 0, 0, 2] });
    // A moderation on a stale version is refused.
    expect(await store.setHidden(b, moderation, NOW)).toBe(false);

    // Unhide it: back in.
    const hiddenB = (await store.get(b.feedbackId))!;
    expect(hiddenB.version).toBe(2);
    expect(await store.setHidden(hiddenB, undefined, NOW)).toBe(true);
    await converges(carId, totalsOf([5, 3, 5]));

    // A redelivery of old records (a's insert, b's hide), straight to the Lambda handler: nothing moves.
    const handler = (await loadHandler(ENTRY)) as StreamHandler;
    const record = (eventName: 'INSERT' | 'MODIFY', item: Feedback, old?: Feedback, seq = '1') => ({
      eventID: randomUUID(),
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/feedback/stream/x',
      dynamodb: {
        Keys: marshall({ pk: `FEEDBACK#${item.feedbackId}`, sk: 'FEEDBACK' }) as never,
        NewImage: marshall(toFeedbackItem(item), { removeUndefinedValues: true }) as never,
        ...(old ? { OldImage: marshall(toFeedbackItem(old), { removeUndefinedValues: true }) as never } : {}),
        SequenceNumber: seq,
        StreamViewType: 'NEW_AND_OLD_IMAGES' as const,
      },
    });
    const replay: DynamoDBStreamEvent = {
      Records: [
        record('INSERT', a, undefined, '1'),
        record('MODIFY', { ...b, hidden: moderation, version: 2 }, b, '2'),
        record('INSERT', c, undefined, '3'),
      ],
    };
    const response = await handler(replay, lambdaContext('aggregateRatings', 30));
    expect(response?.batchItemFailures ?? []).toEqual([]);
    expect(await totalsOfCar(carId)).toEqual(totalsOf([5, 3, 5]));
    // Give the stream consumer a moment too: still unchanged.
    await new Promise((r) => setTimeout(r, 500));
    expect(await totalsOfCar(carId)).toEqual(totalsOf([5, 3, 5]));
    expect(await totalsOfCar(other)).toEqual(totalsOf([1]));

    // A change newer than any the stream carried, delivered by hand, is applied (once).
    const response2 = await handler(
      { Records: [record('MODIFY', { ...a, hidden: moderation, version: 7 }, a, '4')] },
      lambdaContext('aggregateRatings', 30),
    );
    expect(response2?.batchItemFailures ?? []).toEqual([]);
    expect(await totalsOfCar(carId)).toEqual(totalsOf([3, 5]));
  });

  it('rebuild repairs totals corrupted by hand', async () => {
    const carId = await newCar();
    const x = await submit(carId, 4);
    await submit(carId, 2);
    const z = await submit(carId, 1);
    // All three applied first: [4, 2] alone is also what the totals read before z's insert arrives.
    await converges(carId, totalsOf([4, 2, 1]));
    expect(await store.setHidden(z, { reason: 'rude', by: 'admin', at: NOW.toISOString() }, NOW)).toBe(true);
    await converges(carId, totalsOf([4, 2]));

    await db.send(
      new UpdateCommand({
        TableName: aws.names.cars,
        Key: { pk: `CAR#${carId}`, sk: 'CAR' },
        UpdateExpression: 'SET ratingCount = :c, ratingTotal = :t, stars5 = :s, stars4 = :z',
        ExpressionAttributeValues: { ':c': 42, ':t': 7, ':s': 9, ':z': 0 },
      }),
    );
    expect((await totalsOfCar(carId)).count).toBe(42);

    const ledger = new DynamoRatingLedger(db, aws.names.cars);
    const reader = new DynamoFeedbackStore(db, aws.names.feedback);
    const rebuilt = await ledger.rebuild(carId, async () => {
      const all = await reader.allOfCar(carId);
      expect(all).toHaveLength(3); // hidden included
      return all;
    });
    expect(rebuilt).toEqual(totalsOf([4, 2]));
    expect(await totalsOfCar(carId)).toEqual(totalsOf([4, 2]));

    // The aggregator keeps working on top of a rebuild: a later change moves the rebuilt totals once.
    const fresh = (await store.get(x.feedbackId))!;
    expect(await store.setHidden(fresh, { reason: 'x', by: 'admin', at: NOW.toISOString() }, NOW)).toBe(true);
    await converges(carId, totalsOf([2]));
  });

  it('rebuild given a stale read (an index lagging behind a hide) still counts what was applied', async () => {
    const carId = await newCar();
    const x = await submit(carId, 4);
    await submit(carId, 2);
    await converges(carId, totalsOf([4, 2]));
    expect(await store.setHidden(x, { reason: 'rude', by: 'admin', at: NOW.toISOString() }, NOW)).toBe(true);
    await converges(carId, totalsOf([2]));
    const ledger = new DynamoRatingLedger(db, aws.names.cars);
    // The reader answers with x as it was before the hide (version 1, visible): the mark at version 2 wins.
    const rebuilt = await ledger.rebuild(carId, async () => [
      x,
      ...(await new DynamoFeedbackStore(db, aws.names.feedback).allOfCar(carId)).filter((f) => f.feedbackId !== x.feedbackId),
    ]);
    expect(rebuilt).toEqual(totalsOf([2]));
    expect(await totalsOfCar(carId)).toEqual(totalsOf([2]));
    // And an unhide afterwards adds x's stars once.
    expect(await store.setHidden((await store.get(x.feedbackId))!, undefined, NOW)).toBe(true);
    await converges(carId, totalsOf([4, 2]));
  });

  it('two submissions for one reservation at once: exactly one is written', async () => {
    const carId = await newCar();
    const r = await completedReservation(carId);
    const results = await Promise.all([store.create(feedbackFor(r, 5), NOW), store.create(feedbackFor(r, 1), NOW)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    await converges(carId, totalsOf([results[0] ? 5 : 1]));
  });

  it("create refuses a reservation that is not over, or not the reviewer's", async () => {
    const carId = await newCar();
    const r = await completedReservation(carId);
    expect(await store.create({ ...feedbackFor(r, 5), userId: 'someone-else' }, NOW)).toBe(false);
    const future: Reservation = { ...r, reservationId: randomUUID(), status: 'Confirmed', endDate: '2999-01-01' };
    await db.send(new PutCommand({ TableName: aws.names.reservations, Item: toReservationItem(future) }));
    expect(await store.create(feedbackFor(future, 5), NOW)).toBe(false);
  });
});
