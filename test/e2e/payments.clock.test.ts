import { randomUUID } from 'node:crypto';
import { adminToken } from '../support/tokens';
import {
  advanceClock,
  call,
  createCar,
  day,
  pollReservation,
  registerCustomers,
  waitForMail,
  type Customer,
} from '../support/booking-client';

/**
 * Payment journeys over HTTP against the local runtime (`npm start`), as a new API user makes them:
 * book, pay with each method's sandbox token, see the reservation Confirmed, read the payment, cancel
 * and see the refund carried out by the refundCancellations worker. The local runtime uses the sandbox
 * gateway (its documented test tokens decide the outcome) and no other: a gateway failure there is a 503.
 *
 * Every test books a car of its own at a location no other e2e file uses, at least 5 days ahead (so a
 * cancellation is 48 hours or more before pick-up). The hold-lapse test moves the runtime's clock, so it
 * runs last.
 */
const LOCATION = 'BOI';

let admin: string;
let alice: Customer;
let bob: Customer;

beforeAll(async () => {
  admin = await adminToken();
  [alice, bob] = await registerCustomers(2);
});

/** A new car at LOCATION; each booking gets its own, so no test waits on another's hold. */
const newCar = (rentalPricePerDay = 52.25) => createCar(admin, { location: LOCATION, rentalPricePerDay });

/** Books a new car for `from`..`to` days ahead and returns the Pending reservation (waiting for the decision). */
const held = async (customer: Customer, from = 6, to = 9, rentalPricePerDay?: number): Promise<any> => {
  const carId = await newCar(rentalPricePerDay);
  const res = await call('POST', '/reservations', {
    token: customer.token,
    body: { carId, startDate: day(from), endDate: day(to) },
    headers: { prefer: 'wait=5' },
  });
  const reservation =
    res.status === 201 ? res.body : res.status === 202 ? await pollReservation(customer.token, res.body.reservationId) : undefined;
  if (!reservation) throw new Error(`booking answered ${res.status}: ${JSON.stringify(res.body)}`);
  expect(reservation.status).toBe('Pending');
  return reservation;
};

/** POST /payments with a new Idempotency-Key, the given one, or (null) none. */
const pay = (customer: Customer, body: Record<string, unknown>, key: string | null = randomUUID()) =>
  call('POST', '/payments', { token: customer.token, body, headers: key === null ? {} : { 'idempotency-key': key } });

const payBody = (r: any, paymentMethod = 'credit_card', details: Record<string, unknown> = { cardToken: 'tok_visa' }) => ({
  reservationId: r.reservationId,
  amount: r.totalPrice,
  paymentMethod,
  details,
});

const status = async (customer: Customer, reservationId: string): Promise<string> =>
  (await call('GET', `/reservations/${reservationId}`, { token: customer.token })).body.status;

const paymentsOf = async (token: string, reservationId: string) => {
  const res = await call('GET', `/reservations/${reservationId}/payments`, { token });
  expect(res.status).toBe(200);
  return res.body as { payments: any[]; refunds: any[] };
};

const fieldsOf = (body: any): string[] => body.error.details.fields.map((f: { field: string }) => f.field);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A paid (Confirmed) reservation of `customer` and its payment id. */
const paid = async (customer: Customer, from: number, to: number) => {
  const r = await held(customer, from, to);
  const res = await pay(customer, payBody(r));
  expect(res.status).toBe(201);
  expect(await status(customer, r.reservationId)).toBe('Confirmed');
  return { reservation: r, paymentId: res.body.paymentId as string };
};

describe('GET /v1/payments/methods', () => {
  it('is public and lists each method with the JSON schema of its details', async () => {
    const res = await call('GET', '/payments/methods');
    expect(res.status).toBe(200);
    const methods = res.body.methods as Array<{ id: string; label: string; details: any }>;
    expect(methods.map((m) => m.id)).toEqual(['credit_card', 'paypal', 'apple_pay', 'google_pay']);
    const field = { credit_card: 'cardToken', paypal: 'orderId', apple_pay: 'walletToken', google_pay: 'walletToken' } as Record<
      string,
      string
    >;
    for (const m of methods) {
      expect(m.label).toEqual(expect.any(String));
      expect(m.details).toMatchObject({
        type: 'object',
        properties: { [field[m.id]]: { type: 'string', pattern: expect.any(String), description: expect.any(String) } },
        required: [field[m.id]],
        additionalProperties: false,
      });
    }
  });
});

describe('paying a Pending reservation', () => {
  it.each([
    ['credit_card', { cardToken: 'tok_visa' }],
    ['paypal', { orderId: 'order_ok' }],
    ['apple_pay', { walletToken: 'wallet_ok' }],
    ['google_pay', { walletToken: 'wallet_ok' }],
  ])(
    'with %s and its sandbox token: 201 Completed, the reservation Confirmed, readable by its owner and admins, emailed',
    async (method, details) => {
      const r = await held(alice);
      const res = await pay(alice, payBody(r, method, details));
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        paymentId: expect.any(String),
        reservationId: r.reservationId,
        status: 'Completed',
        amount: r.totalPrice,
        currency: 'USD',
        paymentMethod: method,
        gateway: 'sandbox',
      });
      expect(res.headers.get('cache-control')).toBe('no-store');
      const { paymentId } = res.body;

      const confirmed = await call('GET', `/reservations/${r.reservationId}`, { token: alice.token });
      expect(confirmed.body).toMatchObject({ reservationId: r.reservationId, status: 'Confirmed' });
      expect(confirmed.body.holdExpiresAt).toBeUndefined();

      const expected = {
        paymentId,
        reservationId: r.reservationId,
        status: 'Completed',
        amount: r.totalPrice,
        refunded: 0,
        currency: 'USD',
        paymentMethod: method,
        gateway: 'sandbox',
        declineReason: null,
        createdAt: expect.any(String),
      };
      const own = await call('GET', `/payments/${paymentId}`, { token: alice.token });
      expect(own.status).toBe(200);
      expect(own.body).toEqual(expected);
      const other = await call('GET', `/payments/${paymentId}`, { token: bob.token });
      expect(other.status).toBe(404);
      expect(other.body.error.code).toBe('NOT_FOUND');
      expect((await call('GET', `/payments/${paymentId}`, { token: admin })).body).toEqual(expected);
      expect((await call('GET', `/payments/${paymentId}`)).status).toBe(401);

      expect(await paymentsOf(alice.token, r.reservationId)).toEqual({ payments: [expected], refunds: [] });
      expect(await paymentsOf(admin, r.reservationId)).toEqual({ payments: [expected], refunds: [] });
      expect((await call('GET', `/reservations/${r.reservationId}/payments`, { token: bob.token })).status).toBe(404);

      const mail = await waitForMail(alice.email, /^Booking confirmed/, r.reservationId);
      expect(mail.text).toContain('Your payment was received');
    },
  );

  it('a paid reservation cannot be paid again, even with a new key (409)', async () => {
    const { reservation } = await paid(alice, 6, 8);
    const again = await pay(alice, payBody(reservation));
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'CONFLICT', details: { status: 'Confirmed' } });
    expect((await paymentsOf(alice.token, reservation.reservationId)).payments).toHaveLength(1);
  });
});

describe('the Idempotency-Key', () => {
  it('a repeat replays the first answer with one payment; the same key with another amount is 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const r = await held(alice);
    const key = randomUUID();
    const first = await pay(alice, payBody(r), key);
    expect(first.status).toBe(201);
    const repeat = await pay(alice, payBody(r), key);
    expect(repeat.status).toBe(201);
    expect(repeat.body).toEqual(first.body);
    const { payments } = await paymentsOf(alice.token, r.reservationId);
    expect(payments.map((p) => p.paymentId)).toEqual([first.body.paymentId]);

    const reused = await pay(alice, { ...payBody(r), amount: r.totalPrice + 1 }, key);
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await paymentsOf(alice.token, r.reservationId)).payments).toHaveLength(1);
  });
});

describe('sandbox outcomes', () => {
  it('tok_decline: 422 PAYMENT_DECLINED with the reason, still Pending; then tok_visa with a new key pays it', async () => {
    const r = await held(alice);
    const declined = await pay(alice, payBody(r, 'credit_card', { cardToken: 'tok_decline' }));
    expect(declined.status).toBe(422);
    expect(declined.body.error).toMatchObject({ code: 'PAYMENT_DECLINED', details: { reason: 'Your card was declined.' } });
    expect(declined.body.error.message).toContain('Your card was declined.');
    expect(await status(alice, r.reservationId)).toBe('Pending');
    expect((await paymentsOf(alice.token, r.reservationId)).payments).toEqual([
      expect.objectContaining({ status: 'Failed', declineReason: 'Your card was declined.', gateway: 'sandbox' }),
    ]);

    const retried = await pay(alice, payBody(r));
    expect(retried.status).toBe(201);
    expect(retried.body.status).toBe('Completed');
    expect(await status(alice, r.reservationId)).toBe('Confirmed');
  });

  it('a token the sandbox does not know is declined (422) with a reason naming the tokens that succeed', async () => {
    const r = await held(alice);
    const res = await pay(alice, payBody(r, 'credit_card', { cardToken: 'tok_made_up' }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('PAYMENT_DECLINED');
    expect(res.body.error.details.reason).toMatch(/tok_visa/);
    expect(await status(alice, r.reservationId)).toBe('Pending');
  });

  it('tok_fail: 503 with Retry-After (no other gateway runs locally), nothing charged, still Pending', async () => {
    const r = await held(alice);
    const failed = await pay(alice, payBody(r, 'credit_card', { cardToken: 'tok_fail' }));
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(Number(failed.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await status(alice, r.reservationId)).toBe('Pending');
    const { payments, refunds } = await paymentsOf(alice.token, r.reservationId);
    expect(payments.every((p) => p.status === 'Failed')).toBe(true);
    expect(refunds).toEqual([]);
    // The gateway is healthy again for the next payment (one failure does not open its breaker).
    expect((await pay(alice, payBody(r))).status).toBe(201);
  });

  it("tok_timeout: 503 once the router's 8 s timeout trips, still Pending", async () => {
    const r = await held(alice);
    const started = Date.now();
    const timedOut = await pay(alice, payBody(r, 'credit_card', { cardToken: 'tok_timeout' }));
    const took = Date.now() - started;
    expect(timedOut.status).toBe(503);
    expect(Number(timedOut.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The router gives up after 8 s (well within the payment function's 25 s), not the sandbox's 30 s wait.
    expect(took).toBeGreaterThanOrEqual(8_000);
    expect(took).toBeLessThan(20_000);
    expect(await status(alice, r.reservationId)).toBe('Pending');
    expect((await pay(alice, payBody(r))).status).toBe(201);
  });
});

describe('refused payments', () => {
  let r: any;
  beforeAll(async () => {
    r = await held(alice, 12, 14);
  });

  it('without an Idempotency-Key: 400 naming headers.idempotency-key', async () => {
    const res = await pay(alice, payBody(r), null);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(res.body)).toEqual(['headers.idempotency-key']);
  });

  it.each([
    ['a wrong amount', () => ({ ...payBody(r), amount: r.totalPrice + 0.01 }), ['body.amount']],
    ['an unknown method', () => payBody(r, 'bitcoin', { wallet: 'x' }), ['body.paymentMethod']],
    [
      'details that do not fit the method',
      () => payBody(r, 'paypal', { cardToken: 'tok_visa' }),
      ['body.details.cardToken', 'body.details.orderId'],
    ],
    ['a card number in the details', () => payBody(r, 'credit_card', { cardToken: '4242 4242 4242 4242' }), ['body.details.cardToken']],
  ])('%s: 400 naming the field', async (_name, body, fields) => {
    const res = await pay(alice, body());
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(res.body).sort()).toEqual([...fields].sort());
    expect(JSON.stringify(res.body)).not.toContain('4242');
  });

  it("another customer's reservation is 404; none of the refusals charged or changed it", async () => {
    const res = await pay(bob, payBody(r));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect(await status(alice, r.reservationId)).toBe('Pending');
    expect((await paymentsOf(alice.token, r.reservationId)).payments).toEqual([]);
  });
});

describe('refunds', () => {
  it('cancelling a paid reservation 48 h or more before pick-up refunds 100%, carried out once by the refund worker', async () => {
    const { reservation, paymentId } = await paid(alice, 7, 10);
    const id = reservation.reservationId;
    const cancelled = await call('POST', `/reservations/${id}/cancel`, { token: alice.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      reservationId: id,
      status: 'Cancelled',
      refund: { percent: 100, amount: reservation.totalPrice },
    });

    // ReservationCancelled -> SNS -> the paymentEvents queue -> refundCancellations.
    const deadline = Date.now() + 20_000;
    let refunds: any[] = [];
    while (Date.now() < deadline) {
      refunds = (await paymentsOf(alice.token, id)).refunds;
      if (refunds.some((f) => f.source === 'cancellation' && f.status === 'succeeded')) break;
      await sleep(250);
    }
    expect(refunds).toEqual([
      {
        refundId: expect.any(String),
        paymentId,
        amount: reservation.totalPrice,
        reason: 'Reservation cancelled',
        source: 'cancellation',
        status: 'succeeded',
        createdAt: expect.any(String),
      },
    ]);
    expect((await call('GET', `/payments/${paymentId}`, { token: alice.token })).body).toMatchObject({ refunded: reservation.totalPrice });
    const mail = await waitForMail(alice.email, /^Booking cancelled/, id);
    expect(mail.text).toContain('(100% of the total)');

    const again = await call('POST', `/reservations/${id}/cancel`, { token: alice.token });
    expect(again.status).toBe(409);
    expect(again.body.error.details).toEqual({ status: 'Cancelled' });
    await sleep(2_000); // time for a second event, were one sent, to reach the worker
    expect((await paymentsOf(alice.token, id)).refunds).toHaveLength(1);
  });

  it('an admin refunds part of a payment (201), never more than what is left (409); customers may not (403)', async () => {
    const { reservation, paymentId } = await paid(bob, 15, 18); // 3 days at 52.25 = 156.75
    expect(reservation.totalPrice).toBe(156.75);
    const url = `/payments/${paymentId}/refunds`;

    const refused = await call('POST', url, { token: bob.token, body: { amount: 10, reason: 'Goodwill' } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');

    const partial = await call('POST', url, { token: admin, body: { amount: 50.25, reason: 'Scratched bumper discount' } });
    expect(partial.status).toBe(201);
    expect(partial.body).toEqual({
      refundId: expect.any(String),
      paymentId,
      amount: 50.25,
      reason: 'Scratched bumper discount',
      source: 'admin',
      status: 'succeeded',
      createdAt: expect.any(String),
    });

    const tooMuch = await call('POST', url, { token: admin, body: { amount: 106.51, reason: 'More' } });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error).toMatchObject({ code: 'CONFLICT', details: { leftToRefund: 106.5 } });

    const detail = await call('GET', `/payments/${paymentId}`, { token: bob.token });
    expect(detail.body).toMatchObject({ status: 'Completed', amount: 156.75, refunded: 50.25 });
    expect((await paymentsOf(bob.token, reservation.reservationId)).refunds).toEqual([
      expect.objectContaining({ refundId: partial.body.refundId, source: 'admin' }),
    ]);
    expect(await status(bob, reservation.reservationId)).toBe('Confirmed');

    expect((await call('POST', `/payments/${randomUUID()}/refunds`, { token: admin, body: { amount: 1, reason: 'x' } })).status).toBe(404);
  });
});

// Last: it moves the runtime's clock forward, which would lapse any hold taken before it.
describe('a lapsed hold', () => {
  it('cannot be paid (409), and nothing is charged', async () => {
    const r = await held(alice, 20, 22);
    const now = await advanceClock(301);
    expect(now).toBeGreaterThan(Date.parse(r.holdExpiresAt));
    const res = await pay(alice, payBody(r));
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'CONFLICT', details: { status: 'Expired' } });
    expect((await paymentsOf(alice.token, r.reservationId)).payments).toEqual([]);
  });
});
