import { randomUUID } from 'node:crypto';
import { adminToken } from '../support/tokens';
import {
  advanceClock,
  call,
  createCar,
  day,
  mailbox,
  pollReservation,
  registerCustomer,
  registerCustomers,
  runSchedule,
  runtimeNow,
  waitForMail,
  type Customer,
} from '../support/booking-client';

/**
 * Booking journeys over HTTP against the local runtime, as a new API user makes them. Every test books
 * a car of its own at a location no other e2e file uses, on days at least 10 days ahead: the runtime is
 * shared, and the hold-lapse test moves its clock forward.
 */
const LOCATION = 'PDX';
const HOLD_MS = 5 * 60_000;

let admin: string;
let alice: Customer;
let bob: Customer;

beforeAll(async () => {
  admin = await adminToken();
  [alice, bob] = await registerCustomers(2);
});

const newCar = (patch: Record<string, unknown> = {}) => createCar(admin, { location: LOCATION, ...patch });

const book = (customer: Customer, body: Record<string, unknown>, headers: Record<string, string> = { prefer: 'wait=5' }) =>
  call('POST', '/reservations', { token: customer.token, body, headers });

/**
 * Books and returns the decision: the answer given within the wait (201 held, 409 refused), or, should
 * the worker be slower than that (a busy machine), the 202's reservation read until decided.
 */
const decide = async (customer: Customer, body: Record<string, unknown>, headers: Record<string, string> = { prefer: 'wait=5' }) => {
  const res = await book(customer, body, headers);
  if (res.status === 201) return res.body;
  if (res.status === 409 && res.body.error.details?.reservation) return res.body.error.details.reservation;
  if (res.status === 202) return pollReservation(customer.token, res.body.reservationId);
  throw new Error(`booking answered ${res.status}: ${JSON.stringify(res.body)}`);
};

/** The ids of every car search offers at LOCATION for the period (all pages). */
const searchIds = async (startDate: string, endDate: string): Promise<string[]> => {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const params = new URLSearchParams({ location: LOCATION, startDate, endDate, limit: '100', ...(cursor ? { cursor } : {}) });
    const res = await call('GET', `/cars?${params}`);
    expect(res.status).toBe(200);
    ids.push(...res.body.cars.map((c: { carId: string }) => c.carId));
    cursor = res.body.nextCursor ?? undefined;
  } while (cursor);
  return ids;
};

const fieldsOf = (body: any): string[] => body.error.details.fields.map((f: { field: string }) => f.field);

describe('booking a car', () => {
  it('with Prefer: wait, answers 201 Pending with the hold and a Location; only the owner and admins read it; the car leaves search', async () => {
    const carId = await newCar({ rentalPricePerDay: 61.25 });
    const period = { startDate: day(10), endDate: day(13) };
    expect(await searchIds(period.startDate, period.endDate)).toContain(carId);

    const before = await runtimeNow();
    const res = await book(alice, { carId, ...period });
    expect(res.status).toBe(201);
    const r = res.body;
    expect(r).toMatchObject({
      reservationId: expect.any(String),
      userId: alice.userId,
      carId,
      ...period,
      status: 'Pending',
      totalPrice: 183.75,
      price: { currency: 'USD', dailyRate: 61.25, days: 3, total: 183.75 },
      car: { make: 'Toyota', model: 'Corolla', type: 'SEDAN', location: LOCATION },
    });
    expect(r.reason).toBeUndefined();
    // Held for five minutes of the runtime's clock from the decision.
    const holdExpiresAt = Date.parse(r.holdExpiresAt);
    expect(holdExpiresAt).toBeGreaterThanOrEqual(before + HOLD_MS);
    expect(holdExpiresAt).toBeLessThan((await runtimeNow()) + HOLD_MS + 1_000);
    expect(res.headers.get('location')).toBe(`/v1/reservations/${r.reservationId}`);
    expect(res.headers.get('preference-applied')).toBe('wait=5');

    // The Location is where the reservation is read: by its owner and by admins; anyone else sees no such id.
    const owner = await call('GET', res.headers.get('location')!.replace(/^\/v1/, ''), { token: alice.token });
    expect(owner.status).toBe(200);
    expect(owner.body).toEqual(r);
    const other = await call('GET', `/reservations/${r.reservationId}`, { token: bob.token });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('NOT_FOUND');
    expect((await call('GET', `/reservations/${r.reservationId}`, { token: admin })).body).toEqual(r);
    expect((await call('GET', `/reservations/${r.reservationId}`)).status).toBe(401);
    expect((await call('GET', `/reservations/${randomUUID()}`, { token: alice.token })).status).toBe(404);

    // Not offered for those days, nor for any period overlapping them; offered from the return day on.
    expect(await searchIds(period.startDate, period.endDate)).not.toContain(carId);
    expect(await searchIds(day(12), day(15))).not.toContain(carId);
    expect(await searchIds(day(13), day(15))).toContain(carId);
    expect(await searchIds(day(8), day(10))).toContain(carId);
  });

  it('without Prefer, answers 202 Requested at once; the worker then holds it (Pending)', async () => {
    const carId = await newCar();
    const res = await book(alice, { carId, startDate: day(11), endDate: day(12) }, {});
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'Requested', carId, totalPrice: 45.5 });
    expect(res.body.holdExpiresAt).toBeUndefined();
    expect(res.headers.get('location')).toBe(`/v1/reservations/${res.body.reservationId}`);
    expect(res.headers.get('preference-applied')).toBeNull();

    const decided = await pollReservation(alice.token, res.body.reservationId);
    expect(decided).toMatchObject({ reservationId: res.body.reservationId, status: 'Pending', holdExpiresAt: expect.any(String) });
  });

  it('a second customer is refused the same days while the hold is live (409 CAR_TAKEN, recorded as Rejected)', async () => {
    const carId = await newCar();
    const period = { startDate: day(14), endDate: day(16) };
    expect((await book(alice, { carId, ...period })).status).toBe(201);
    const refused = await book(bob, { carId, startDate: day(15), endDate: day(17) });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CONFLICT');
    const recorded = refused.body.error.details.reservation;
    expect(recorded).toMatchObject({ status: 'Rejected', userId: bob.userId, reason: { code: 'CAR_TAKEN', message: expect.any(String) } });
    expect(refused.headers.get('location')).toBe(`/v1/reservations/${recorded.reservationId}`);
    expect((await call('GET', `/reservations/${recorded.reservationId}`, { token: bob.token })).body.status).toBe('Rejected');
    await waitForMail(bob.email, /could not book/, recorded.reservationId);
  });
});

describe('cancelling', () => {
  // Customers of their own: the holds the tests above made are still live (a customer's holds are limited).
  let alice: Customer;
  let bob: Customer;
  beforeAll(async () => {
    [alice, bob] = await registerCustomers(2);
  });

  it('frees the car at once, refuses a second cancel with the status, and emails the customer', async () => {
    const carId = await newCar();
    const period = { startDate: day(18), endDate: day(21) };
    const held = await decide(alice, { carId, ...period });
    expect(held.status).toBe('Pending');
    const id = held.reservationId;
    expect(await searchIds(period.startDate, period.endDate)).not.toContain(carId);

    // Nobody else may cancel it (or learn that it exists).
    expect((await call('POST', `/reservations/${id}/cancel`, { token: bob.token })).status).toBe(404);

    const cancelled = await call('POST', `/reservations/${id}/cancel`, { token: alice.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ reservationId: id, status: 'Cancelled' });
    expect(cancelled.body.holdExpiresAt).toBeUndefined();
    expect(cancelled.body.refund).toBeUndefined(); // nothing was paid
    expect(await searchIds(period.startDate, period.endDate)).toContain(carId);
    expect((await call('GET', `/reservations/${id}`, { token: alice.token })).body.status).toBe('Cancelled');

    const again = await call('POST', `/reservations/${id}/cancel`, { token: alice.token });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'CONFLICT', details: { status: 'Cancelled' } });

    const heldMail = await waitForMail(alice.email, /is held for you/, id);
    expect(heldMail.text).toContain('Toyota Corolla');
    await waitForMail(alice.email, /^Booking cancelled/, id);
    expect((await mailbox(alice.email)).every((m) => m.to.toLowerCase() === alice.email)).toBe(true);
  });

  it('a request that ended does not answer for the next one: rebooking after a cancel or a rejection books anew', async () => {
    const carId = await newCar();
    const body = { carId, startDate: day(22), endDate: day(24) };
    const first = await decide(alice, body);
    expect(first.status).toBe('Pending');
    const refused = await decide(bob, body);
    expect(refused.status).toBe('Rejected');
    expect((await call('POST', `/reservations/${first.reservationId}/cancel`, { token: alice.token })).status).toBe(200);

    // Bob asks again for the days Alice gave up, within the 5 minutes the same request is deduplicated.
    const retried = await decide(bob, body);
    expect(retried.status).toBe('Pending');
    expect(retried.reservationId).not.toBe(refused.reservationId);
    expect((await call('POST', `/reservations/${retried.reservationId}/cancel`, { token: bob.token })).status).toBe(200);

    // Alice changes her mind again: a new reservation, not her cancelled one.
    const second = await decide(alice, body);
    expect(second.status).toBe('Pending');
    expect(second.reservationId).not.toBe(first.reservationId);
    // While it is under way, the same request still names it.
    expect((await book(alice, body)).body.reservationId).toBe(second.reservationId);
  });
});

describe('a hold that lapses', () => {
  it('frees the days before the sweeper runs; the sweeper then expires it and emails the customer', async () => {
    const [first, second] = await registerCustomers(2);
    // The runtime also sweeps every minute on its own: should that run land between the clock move and
    // the second booking, the "before the sweeper" part is not shown, so the story is played again.
    for (let attempt = 1; attempt <= 3; attempt++) {
      const carId = await newCar();
      const body = { carId, startDate: day(26), endDate: day(29) };
      const held = await decide(first, body);
      expect(held.status).toBe('Pending');
      const id = held.reservationId;

      const now = await advanceClock(301);
      expect(now).toBeGreaterThan(Date.parse(held.holdExpiresAt));

      const taken = await decide(second, body);
      expect(taken.status).toBe('Pending');
      const lapsed = await call('GET', `/reservations/${id}`, { token: first.token });
      if (lapsed.body.status === 'Expired' && attempt < 3) continue;
      expect(lapsed.body.status).toBe('Pending'); // not swept yet: the lapse alone freed the days

      await runSchedule('sweepReservations');
      const expired = await call('GET', `/reservations/${id}`, { token: first.token });
      expect(expired.body).toMatchObject({ reservationId: id, status: 'Expired' });
      expect(expired.body.holdExpiresAt).toBeUndefined();
      expect((await call('GET', `/reservations/${taken.reservationId}`, { token: second.token })).body.status).toBe('Pending');
      await waitForMail(first.email, /has expired/, id);
      // An expired reservation cannot be cancelled.
      const cancel = await call('POST', `/reservations/${id}/cancel`, { token: first.token });
      expect(cancel.status).toBe(409);
      expect(cancel.body.error.details).toEqual({ status: 'Expired' });
      return;
    }
  });
});

describe('rental history', () => {
  it("lists a user's reservations newest pick-up first, pages with a cursor, filters by status; only that user or an admin", async () => {
    const carol = await registerCustomer();
    const history = (userId: string, token: string, query: Record<string, string> = {}) =>
      call('GET', `/users/${userId}/reservations?${new URLSearchParams(query)}`, { token });

    const empty = await history(carol.userId, carol.token);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ reservations: [], nextCursor: null });

    const carId = await newCar();
    const ids: string[] = [];
    for (const start of [30, 34, 32]) {
      const res = await decide(carol, { carId, startDate: day(start), endDate: day(start + 1) });
      expect(res.status).toBe('Pending');
      ids.push(res.reservationId);
    }
    const [at30, at34, at32] = ids;
    expect((await call('POST', `/reservations/${at32}/cancel`, { token: carol.token })).status).toBe(200);

    const all = await history(carol.userId, carol.token);
    expect(all.body.reservations.map((r: { reservationId: string }) => r.reservationId)).toEqual([at34, at32, at30]);
    expect(all.body.nextCursor).toBeNull();

    const paged: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: any = await history(carol.userId, carol.token, { limit: '1', ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      expect(page.body.reservations.length).toBeLessThanOrEqual(1);
      paged.push(...page.body.reservations.map((r: { reservationId: string }) => r.reservationId));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(paged).toEqual([at34, at32, at30]);

    const pending = await history(carol.userId, carol.token, { status: 'Pending' });
    expect(pending.body.reservations.map((r: { reservationId: string }) => r.reservationId)).toEqual([at34, at30]);
    const cancelled = await history(carol.userId, carol.token, { status: 'Cancelled' });
    expect(cancelled.body.reservations).toEqual([expect.objectContaining({ reservationId: at32, status: 'Cancelled' })]);
    expect(fieldsOf((await history(carol.userId, carol.token, { status: 'Lost' })).body)).toEqual(['query.status']);

    // Another user's history is not theirs to read; an admin may read anyone's.
    const refused = await history(carol.userId, alice.token);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect((await history(carol.userId, admin)).body).toEqual(all.body);
    expect((await history(carol.userId, '')).status).toBe(401);

    // A cursor is opaque: garbage, one made up by hand, or one from another user's list is a 400 naming it.
    const firstPage = await history(carol.userId, carol.token, { limit: '1' });
    const forged = Buffer.from(
      JSON.stringify({ pk: `RES#${at30}`, sk: 'RES', gsi1pk: `USER#${alice.userId}`, gsi1sk: `${day(30)}#${at30}` }),
    ).toString('base64url');
    for (const [userId, token, bad] of [
      [carol.userId, carol.token, 'garbage'],
      [carol.userId, carol.token, forged],
      [carol.userId, carol.token, Buffer.from('{"pk":{"S":"x"}}').toString('base64url')],
      [alice.userId, alice.token, firstPage.body.nextCursor],
    ]) {
      const res = await history(userId, token, { cursor: bad });
      expect(res.status).toBe(400);
      expect(fieldsOf(res.body)).toEqual(['query.cursor']);
    }
  });
});

describe('idempotency', () => {
  it('the same Idempotency-Key, or the same request without one, names the same reservation; a key reused for other dates is 422', async () => {
    const dan = await registerCustomer();
    const carId = await newCar();
    const key = randomUUID();
    const body = { carId, startDate: day(36), endDate: day(38) };

    const first = await decide(dan, body, { 'idempotency-key': key, prefer: 'wait=5' });
    expect(first.status).toBe('Pending');
    const replay = await book(dan, body, { 'idempotency-key': key, prefer: 'wait=5' });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first);

    const reused = await book(dan, { ...body, endDate: day(39) }, { 'idempotency-key': key });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    // A double click without a key: both answers name one reservation.
    const other = { carId, startDate: day(40), endDate: day(41) };
    const [a, b] = await Promise.all([book(dan, other, {}), book(dan, other, {})]);
    expect([201, 202]).toContain(a.status);
    expect([201, 202]).toContain(b.status);
    expect(b.body.reservationId).toBe(a.body.reservationId);
    const later = await book(dan, other);
    expect(later.body.reservationId).toBe(a.body.reservationId);
    // The key stays bound to its first request, even for dates that were just requested without it.
    const keyForOther = await book(dan, other, { 'idempotency-key': key });
    expect(keyForOther.status).toBe(422);
    expect(keyForOther.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    // Another customer's key is their own: the same key books for them.
    const eve = await decide(bob, { carId, startDate: day(44), endDate: day(45) }, { 'idempotency-key': key, prefer: 'wait=5' });
    expect(eve.status).toBe('Pending');
    expect(eve.reservationId).not.toBe(first.reservationId);

    const history = await call('GET', `/users/${dan.userId}/reservations`, { token: dan.token });
    expect(history.body.reservations.map((r: { reservationId: string }) => r.reservationId).sort()).toEqual(
      [first.reservationId, a.body.reservationId].sort(),
    );
  });
});

describe('refused booking requests', () => {
  let carId: string;
  let frank: Customer;
  beforeAll(async () => {
    [carId, frank] = await Promise.all([newCar(), registerCustomer()]);
  });
  const valid = () => ({ carId, startDate: day(50), endDate: day(52) });

  it.each([
    ['an unknown field', () => ({ ...valid(), color: 'red' }), ['body.color']],
    ['a malformed carId', () => ({ ...valid(), carId: 'car-1' }), ['body.carId']],
    ['missing dates', () => ({ carId }), ['body.startDate', 'body.endDate']],
    ['a day that does not exist', () => ({ carId, startDate: '2030-02-30', endDate: '2030-03-04' }), ['body.startDate']],
    ['reversed dates', () => ({ carId, startDate: day(52), endDate: day(50) }), ['body.endDate']],
    ['a start in the past', () => ({ carId, startDate: day(-2), endDate: day(3) }), ['body.startDate']],
    ['more than 30 days', () => ({ carId, startDate: day(50), endDate: day(81) }), ['body.endDate']],
    ['a userId that is not a string', () => ({ ...valid(), userId: 42 }), ['body.userId']],
  ])('refuses %s with 400 naming the fields', async (_name, body, fields) => {
    const res = await book(frank, body());
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(res.body).sort()).toEqual([...fields].sort());
  });

  it("refuses a malformed Idempotency-Key (400), no token (401), another user's userId (403), unknown and removed cars (404)", async () => {
    const badKey = await book(frank, valid(), { 'idempotency-key': 'has spaces in it' });
    expect(badKey.status).toBe(400);
    expect(fieldsOf(badKey.body)).toEqual(['headers.idempotency-key']);

    expect((await call('POST', '/reservations', { body: valid() })).status).toBe(401);

    const forOther = await book(frank, { ...valid(), userId: alice.userId });
    expect(forOther.status).toBe(403);
    expect(forOther.body.error.code).toBe('FORBIDDEN');
    // Naming oneself is fine (the seed's clients send it).
    const self = await book(frank, { ...valid(), userId: frank.userId });
    expect([201, 202]).toContain(self.status);

    const unknown = await book(frank, { ...valid(), carId: randomUUID() });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');

    const removedCar = await newCar();
    expect((await call('DELETE', `/cars/${removedCar}`, { token: admin })).status).toBe(200);
    const removed = await book(frank, { ...valid(), carId: removedCar });
    expect(removed.status).toBe(404);

    // Only the one valid request left a reservation.
    const history = await call('GET', `/users/${frank.userId}/reservations`, { token: frank.token });
    expect(history.body.reservations.map((r: { reservationId: string }) => r.reservationId)).toEqual([self.body.reservationId]);
  });
});

describe("admin: a car's reservations and maintenance blocks", () => {
  it('lists upcoming reservations; a block makes the car unbookable and unsearchable, refuses to cover a hold, and lifts', async () => {
    const carId = await newCar();
    const held = await decide(alice, { carId, startDate: day(60), endDate: day(63) });
    expect(held.status).toBe('Pending');

    const listed = await call('GET', `/cars/${carId}/reservations`, { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.body.reservations).toEqual([expect.objectContaining({ reservationId: held.reservationId, status: 'Pending' })]);
    expect(listed.body.nextCursor).toBeNull();
    expect((await call('GET', `/cars/${carId}/reservations?when=past`, { token: admin })).body.reservations).toEqual([]);

    // Customers may not use the admin routes.
    for (const [method, path, body] of [
      ['GET', `/cars/${carId}/reservations`, undefined],
      ['POST', `/cars/${carId}/blocks`, { startDate: day(70), endDate: day(72), reason: 'Tyres' }],
      ['DELETE', `/cars/${carId}/blocks/${randomUUID()}`, undefined],
    ] as const) {
      expect((await call(method, path, { token: alice.token, body })).status).toBe(403);
    }

    // A block over a live hold is a conflict that names the reservation.
    const overHold = await call('POST', `/cars/${carId}/blocks`, {
      token: admin,
      body: { startDate: day(62), endDate: day(65), reason: 'Brakes' },
    });
    expect(overHold.status).toBe(409);
    expect(overHold.body.error.details.reservations).toEqual([
      expect.objectContaining({ reservationId: held.reservationId, startDate: day(60), endDate: day(63) }),
    ]);

    const blockBody = { startDate: day(63), endDate: day(66), reason: 'Brakes' };
    const blocked = await call('POST', `/cars/${carId}/blocks`, { token: admin, body: blockBody });
    expect(blocked.status).toBe(201);
    expect(blocked.body).toEqual({ blockId: expect.any(String), carId, ...blockBody });
    expect(await searchIds(day(64), day(65))).not.toContain(carId);
    expect(await searchIds(day(66), day(68))).toContain(carId);

    const refused = await decide(bob, { carId, startDate: day(65), endDate: day(67) });
    expect(refused).toMatchObject({ status: 'Rejected', reason: { code: 'CAR_BLOCKED' } });

    const unknownBlock = await call('DELETE', `/cars/${carId}/blocks/${randomUUID()}`, { token: admin });
    expect(unknownBlock.status).toBe(404);
    expect((await call('DELETE', `/cars/${carId}/blocks/${blocked.body.blockId}`, { token: admin })).status).toBe(204);
    expect((await call('DELETE', `/cars/${carId}/blocks/${blocked.body.blockId}`, { token: admin })).status).toBe(404);
    expect(await searchIds(day(64), day(65))).toContain(carId);

    const booked = await decide(alice, { carId, startDate: day(64), endDate: day(66) });
    expect(booked.status).toBe('Pending');
  });

  it('an Idempotency-Key: a retry answers with the same block (one block); another body is 422; after removal 409', async () => {
    const carId = await newCar();
    const headers = { 'idempotency-key': randomUUID() };
    const body = { startDate: day(80), endDate: day(83), reason: 'Gearbox' };
    const first = await call('POST', `/cars/${carId}/blocks`, { token: admin, body, headers });
    const retry = await call('POST', `/cars/${carId}/blocks`, { token: admin, body, headers });
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.body).toEqual(first.body);
    expect(first.body).toEqual({ blockId: expect.any(String), carId, ...body });

    const reused = await call('POST', `/cars/${carId}/blocks`, { token: admin, body: { ...body, reason: 'Clutch' }, headers });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    // One block: once it is removed the days are free again.
    expect(await searchIds(day(81), day(82))).not.toContain(carId);
    expect((await call('DELETE', `/cars/${carId}/blocks/${first.body.blockId}`, { token: admin })).status).toBe(204);
    expect(await searchIds(day(81), day(82))).toContain(carId);
    // The key still names the removed block: a late retry does not put it back.
    const late = await call('POST', `/cars/${carId}/blocks`, { token: admin, body, headers });
    expect(late.status).toBe(409);
    expect(late.body.error.details).toEqual({ blockId: first.body.blockId });
    expect(await searchIds(day(81), day(82))).toContain(carId);
  });

  it('validates blocks: 400 for bad periods naming the fields, 404 for an unknown car', async () => {
    const carId = await newCar();
    const bad = await call('POST', `/cars/${carId}/blocks`, { token: admin, body: { startDate: day(70), endDate: day(69), reason: ' ' } });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(expect.arrayContaining(['body.reason']));
    const reversed = await call('POST', `/cars/${carId}/blocks`, {
      token: admin,
      body: { startDate: day(70), endDate: day(69), reason: 'Paint' },
    });
    expect(reversed.status).toBe(400);
    expect(fieldsOf(reversed.body)).toEqual(['body.endDate']);
    const unknown = await call('POST', `/cars/${randomUUID()}/blocks`, {
      token: admin,
      body: { startDate: day(70), endDate: day(72), reason: 'Paint' },
    });
    expect(unknown.status).toBe(404);
  });
});
