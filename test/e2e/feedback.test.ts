import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { readRuntimeFile } from '../../local/runtime-file';
import type { ChildProcess } from 'node:child_process';
import {
  advanceClock,
  call,
  createCar,
  day,
  pollReservation,
  registerCustomer,
  runSchedule,
  runtimeNow,
  type Customer,
} from '../support/booking-client';
import { stopRuntimeProcess, switchToOwnRuntime } from '../support/runtime-process';
import { adminToken } from '../support/tokens';

/**
 * The feedback journey, as clients live it: rent -> pay -> the rental ends (the clock moves on) ->
 * review -> the car's rating follows, in its details and in search; and every way to get it wrong.
 * This file moves the runtime's clock by days, which would put the other files' dates in the past, so
 * it runs against a runtime of its own.
 */
let runtime: ChildProcess | undefined;
let sharedUrl: string | undefined;
let admin: string;
let alice: Customer;
let bob: Customer;
let carId: string;
const LOCATION = 'SEA';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Books, pays and waits for Confirmed; the reservation. */
const rent = async (customer: Customer, startDate: string, endDate: string) => {
  const booked = await call('POST', '/reservations', {
    token: customer.token,
    headers: { prefer: 'wait=10' },
    body: { carId, startDate, endDate },
  });
  expect(booked.status).toBe(201);
  const paid = await call('POST', '/payments', {
    token: customer.token,
    headers: { 'idempotency-key': randomUUID() },
    body: {
      reservationId: booked.body.reservationId,
      amount: booked.body.totalPrice,
      paymentMethod: 'credit_card',
      details: { cardToken: 'tok_visa' },
    },
  });
  expect(paid.status).toBe(201);
  return pollReservation(customer.token, booked.body.reservationId, (r) => r.status === 'Confirmed');
};

const review = (customer: Customer, body: Record<string, unknown>) => call('POST', '/feedback', { token: customer.token, body });

/** Reads until `done` holds: ratings are updated asynchronously, from the feedback table's stream. */
const eventually = async <T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not there in ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await sleep(100);
  }
};
const carRating = async () => (await call('GET', `/cars/${carId}`)).body.rating;
const publicList = async () => (await call('GET', `/cars/${carId}/feedback`)).body;

let aliceRes: any;
let bobRes: any;

beforeAll(async () => {
  sharedUrl = process.env.E2E_API_URL;
  const own = await switchToOwnRuntime();
  runtime = own.child;
  admin = await adminToken();
  [alice, bob] = await Promise.all([registerCustomer('Alice  Liddell-Smith'), registerCustomer('Bob')]);
  carId = await createCar(admin, { location: LOCATION, type: 'CONVERTIBLE', rentalPricePerDay: 99 });
  aliceRes = await rent(alice, day(1), day(3));
  bobRes = await rent(bob, day(3), day(5));
}, 180_000);

afterAll(async () => {
  await stopRuntimeProcess(runtime);
  if (sharedUrl !== undefined) process.env.E2E_API_URL = sharedUrl;
});

describe('before the rental is over', () => {
  it('409 with the return day; history says notYet', async () => {
    const res = await review(alice, { reservationId: aliceRes.reservationId, rating: 5, comments: 'Too early' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'CONFLICT', details: { status: 'Confirmed', endDate: day(3) } });
    const history = await call('GET', `/users/${alice.userId}/reservations`, { token: alice.token });
    expect(history.body.reservations[0]).toMatchObject({ reservationId: aliceRes.reservationId, feedback: { state: 'notYet' } });
  });
});

describe('once the rental is over', () => {
  beforeAll(async () => {
    // Six days on: both rentals are past their return day; neither is Completed until the sweeper runs.
    await advanceClock(6 * 86_400);
  });

  it('bad input is 400 naming each field; no 500 for odd input', async () => {
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ reservationId: aliceRes.reservationId, rating: 0, comments: 'x' }, ['body.rating']],
      [{ reservationId: aliceRes.reservationId, rating: 6, comments: 'x' }, ['body.rating']],
      [{ reservationId: aliceRes.reservationId, rating: 4.5, comments: 'x' }, ['body.rating']],
      [{ reservationId: aliceRes.reservationId, rating: '5', comments: 'x' }, ['body.rating']],
      [{ reservationId: aliceRes.reservationId, rating: 5, comments: '   ' }, ['body.comments']],
      [{ reservationId: aliceRes.reservationId, rating: 5, comments: 'x'.repeat(2001) }, ['body.comments']],
      [{ reservationId: aliceRes.reservationId, rating: 5, comments: 'bell\u0007' }, ['body.comments']],
      [{ reservationId: 'not-a-uuid', rating: 5, comments: 'ok' }, ['body.reservationId']],
      [{ reservationId: aliceRes.reservationId, rating: 5, comments: 'ok', carId }, ['body.carId']],
      [{}, ['body.reservationId', 'body.rating', 'body.comments']],
    ];
    for (const [body, fields] of cases) {
      const res = await review(alice, body);
      expect([res.status, res.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(res.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(fields.sort());
    }
  });

  it("refuses another user id (403), another user's or an unknown reservation (404), no token (401)", async () => {
    expect((await review(alice, { reservationId: aliceRes.reservationId, rating: 5, comments: 'ok', userId: bob.userId })).status).toBe(
      403,
    );
    expect((await review(alice, { reservationId: bobRes.reservationId, rating: 1, comments: 'sabotage' })).status).toBe(404);
    expect((await review(alice, { reservationId: randomUUID(), rating: 5, comments: 'ok' })).status).toBe(404);
    expect((await call('POST', '/feedback', { body: { reservationId: aliceRes.reservationId, rating: 5, comments: 'ok' } })).status).toBe(
      401,
    );
  });

  it('Confirmed past its return day: open; two submissions at once make one feedback and one 409', async () => {
    const history = await call('GET', `/users/${bob.userId}/reservations`, { token: bob.token });
    expect(history.body.reservations[0]).toMatchObject({ status: 'Confirmed', feedback: { state: 'open' } });
    const body = { reservationId: bobRes.reservationId, rating: 3, comments: 'Fine, <b>but</b> the roof leaked.', userId: bob.userId };
    const answers = await Promise.all([review(bob, body), review(bob, body)]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const created = answers.find((a) => a.status === 201)!;
    expect(created.body).toEqual({ feedbackId: expect.any(String), message: 'Feedback submitted successfully' });
    const again = await review(bob, { ...body, rating: 5 });
    expect(again.status).toBe(409);
    expect(again.body.error.details).toEqual({ feedbackId: created.body.feedbackId });
  });

  it('Completed (after the sweeper): 201, the rating follows in details, the public list and search', async () => {
    await runSchedule('sweepReservations');
    const completed = await call('GET', `/reservations/${aliceRes.reservationId}`, { token: alice.token });
    expect(completed.body).toMatchObject({ status: 'Completed', feedback: { state: 'open' } });

    const submittedAt = Date.now();
    const res = await review(alice, { reservationId: aliceRes.reservationId, rating: 5, comments: 'Wonderful drive along the coast.' });
    expect(res.status).toBe(201);
    const rating = await eventually(carRating, (r) => r.count === 2);
    console.log(`rating visible in car details ${Date.now() - submittedAt} ms after the 201`);
    expect(rating).toEqual({ average: 4, count: 2 });

    const list = await publicList();
    expect(list.rating).toEqual({ average: 4, count: 2, stars: { 1: 0, 2: 0, 3: 1, 4: 0, 5: 1 } });
    expect(list.feedback).toEqual([
      {
        feedbackId: res.body.feedbackId,
        rating: 5,
        comments: 'Wonderful drive along the coast.',
        reviewerName: 'Alice',
        createdAt: expect.any(String),
      },
      expect.objectContaining({ rating: 3, comments: 'Fine, <b>but</b> the roof leaked.', reviewerName: 'Bob' }),
    ]);
    // No user ids or reservation ids in public.
    expect(JSON.stringify(list)).not.toContain(alice.userId);
    expect(JSON.stringify(list)).not.toContain(aliceRes.reservationId);

    const from = new Date((await runtimeNow()) + 86_400_000).toISOString().slice(0, 10);
    const to = new Date((await runtimeNow()) + 3 * 86_400_000).toISOString().slice(0, 10);
    const search = await call('GET', `/cars?location=${LOCATION}&startDate=${from}&endDate=${to}&sort=-rating&limit=100`);
    expect(search.status).toBe(200);
    expect(search.body.cars[0]).toMatchObject({ carId, rating: { average: 4, count: 2 } });
    const ratings = search.body.cars.map((c: any) => c.rating.average ?? 0);
    expect(ratings).toEqual([...ratings].sort((a: number, b: number) => b - a));

    const history = await call('GET', `/users/${alice.userId}/reservations`, { token: alice.token });
    expect(history.body.reservations[0]).toMatchObject({ feedback: { state: 'given', feedbackId: res.body.feedbackId } });
  });

  it('pages the public list newest first with an opaque cursor; a forged cursor is 400', async () => {
    const first = await call('GET', `/cars/${carId}/feedback?limit=1`);
    expect(first.body.feedback).toHaveLength(1);
    expect(first.body.feedback[0].reviewerName).toBe('Alice');
    const second = await call('GET', `/cars/${carId}/feedback?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.feedback[0].reviewerName).toBe('Bob');
    const forged = Buffer.from(JSON.stringify({ pk: 'RES#x', sk: 'RES', gsi1pk: `CAR#${carId}`, gsi1sk: 'x' })).toString('base64url');
    expect((await call('GET', `/cars/${carId}/feedback?cursor=${forged}`)).status).toBe(400);
    expect((await call('GET', `/cars/${carId}/feedback?cursor=%%%`)).status).toBe(400);
    expect((await call('GET', `/cars/${randomUUID()}/feedback`)).status).toBe(404);
  });

  it('admins hide and unhide: the review leaves the public list and the rating, then comes back; customers cannot', async () => {
    const mine = await call('GET', `/users/${alice.userId}/feedback`, { token: alice.token });
    const feedbackId = mine.body.feedback[0].feedbackId;
    expect((await call('POST', `/feedback/${feedbackId}/hide`, { token: alice.token, body: { reason: 'self' } })).status).toBe(403);
    expect((await call('POST', `/feedback/${feedbackId}/hide`, { token: admin, body: {} })).status).toBe(400);
    expect((await call('POST', `/feedback/${randomUUID()}/hide`, { token: admin, body: { reason: 'x' } })).status).toBe(404);

    const hidden = await call('POST', `/feedback/${feedbackId}/hide`, {
      token: admin,
      body: { reason: 'Mentions a staff member by name' },
    });
    expect(hidden.status).toBe(200);
    expect(hidden.body.hidden).toEqual({ reason: 'Mentions a staff member by name', at: expect.any(String) });
    // Hiding again changes nothing (a retried request is harmless) and moves the rating only once.
    expect((await call('POST', `/feedback/${feedbackId}/hide`, { token: admin, body: { reason: 'again' } })).body.hidden.reason).toBe(
      'Mentions a staff member by name',
    );
    expect(await eventually(carRating, (r) => r.count === 1)).toEqual({ average: 3, count: 1 });
    expect((await publicList()).feedback.map((f: any) => f.feedbackId)).not.toContain(feedbackId);
    // The author still sees it, marked hidden; other customers may not read her list; admins may.
    expect((await call('GET', `/users/${alice.userId}/feedback`, { token: alice.token })).body.feedback[0].hidden).not.toBeNull();
    expect((await call('GET', `/users/${alice.userId}/feedback`, { token: bob.token })).status).toBe(403);
    expect((await call('GET', `/users/${alice.userId}/feedback`, { token: admin })).status).toBe(200);

    const shown = await call('POST', `/feedback/${feedbackId}/unhide`, { token: admin });
    expect([shown.status, shown.body.hidden]).toEqual([200, null]);
    expect(await eventually(carRating, (r) => r.count === 2)).toEqual({ average: 4, count: 2 });
    await sleep(1_000);
    // Settled: no change was counted twice.
    expect((await publicList()).rating).toEqual({ average: 4, count: 2, stars: { 1: 0, 2: 0, 3: 1, 4: 0, 5: 1 } });
  });

  it('npm run ratings:rebuild -- --local repairs totals that were mangled by hand', async () => {
    const port = new URL(process.env.E2E_API_URL!).port;
    const { env } = await readRuntimeFile(port);
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: env.AWS_ENDPOINT_URL_DYNAMODB,
        region: env.AWS_REGION,
        credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
      }),
    );
    await db.send(
      new UpdateCommand({
        TableName: env.CARS_TABLE,
        Key: { pk: `CAR#${carId}`, sk: 'CAR' },
        UpdateExpression: 'SET ratingCount = :n, ratingTotal = :n, stars1 = :n',
        ExpressionAttributeValues: { ':n': 42 },
      }),
    );
    expect((await publicList()).rating.count).toBe(42);
    // Not execFileSync: a test blocked for seconds misses the runtime closing its idle keep-alive connection,
    // and the next fetch fails on it with "other side closed".
    const { stdout: out } = await promisify(execFile)(
      process.execPath,
      [path.resolve(__dirname, '../../node_modules/tsx/dist/cli.mjs'), 'bin/ratings-rebuild.ts', '--local', port],
      { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8' },
    );
    expect(out).toMatch(/Rebuilt the ratings of \d+ cars from 2 reviews .*; 1 repaired/);
    expect((await publicList()).rating).toEqual({ average: 4, count: 2, stars: { 1: 0, 2: 0, 3: 1, 4: 0, 5: 1 } });
    db.destroy();
  });
});
