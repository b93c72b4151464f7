import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { Pool } from 'pg';
import { RedisCarLocks } from '../../lambdas/adapters/bookings/redis-car-locks';
import { DynamoReservationStore } from '../../lambdas/adapters/bookings/reservation-store';
import { RedisFleetCache } from '../../lambdas/adapters/fleet/cache';
import { DynamoCarRepository } from '../../lambdas/adapters/fleet/car-repository';
import { CircuitBreakingRouter } from '../../lambdas/adapters/payments/gateways/router';
import { SandboxGateway } from '../../lambdas/adapters/payments/gateways/sandbox-gateway';
import { migrateDatabase, withSearchPath } from '../../lambdas/adapters/payments/migrate';
import { PostgresHoldStore } from '../../lambdas/adapters/payments/postgres-hold-store';
import { PostgresPaymentStore } from '../../lambdas/adapters/payments/postgres-payment-store';
import { decideBooking } from '../../lambdas/domain/bookings/decide';
import { cancelReservation, confirmReservation } from '../../lambdas/domain/bookings/lifecycle';
import type { BookingDeps } from '../../lambdas/domain/bookings/ports';
import { requestBooking } from '../../lambdas/domain/bookings/request';
import type { Reservation } from '../../lambdas/domain/bookings/reservation';
import { createCar } from '../../lambdas/domain/fleet/manage-cars';
import { GatewayUnavailable, type ChargeRequest, type PaymentGateway } from '../../lambdas/domain/payments/gateway';
import { pay, type PaymentRequest } from '../../lambdas/domain/payments/pay';
import type { PaymentDeps } from '../../lambdas/domain/payments/ports';
import { deliverEvents } from '../../lambdas/domain/payments/relay';
import { adminRefund, refundCancellation } from '../../lambdas/domain/payments/refunds';
import { reconcilePayments, UNKNOWN_AFTER_MS } from '../../lambdas/domain/payments/reconcile';
import { StripeGateway } from '../../lambdas/adapters/payments/gateways/stripe-gateway';
import { ShiftedClock } from '../../lambdas/shared/clock';
import { start as startStripe, type StripeFake } from '../../local/payments/stripe-fake';
import { startPostgres, type PostgresStandIn } from '../../local/standins/postgres';
import { testRedis } from '../support/redis';
import { testTables, type TestTables } from '../support/aws-services';
import { chargeOnly } from '../support/gateway-stubs';

// Payments on PostgreSQL (the real server when DATABASE_URL is set, in a schema of its own; PGlite
// otherwise) and the booking tables on DynamoDB Local, with the sandbox gateway behind the router.
let aws: TestTables;
let postgres: PostgresStandIn;
let pool: Pool;
let redis: Redis;
let booking: BookingDeps;
let cars: DynamoCarRepository;
const schema = process.env.DATABASE_URL ? `payments_test_${randomUUID().replace(/-/g, '').slice(0, 12)}` : 'public';
const clock = new ShiftedClock();
const notices: string[] = [];

/** A sandbox that counts the charges it really made (distinct idempotency keys). */
class CountingGateway implements PaymentGateway {
  readonly charges = new Set<string>();
  constructor(
    private readonly inner: PaymentGateway,
    readonly id = inner.id,
  ) {}
  async charge(request: ChargeRequest) {
    const result = await this.inner.charge(request);
    if (result.outcome === 'succeeded') this.charges.add(request.idempotencyKey);
    return result;
  }
  refund = (request: Parameters<PaymentGateway['refund']>[0]) => this.inner.refund(request);
  authorise = (request: Parameters<PaymentGateway['authorise']>[0]) => this.inner.authorise(request);
  capture = (request: Parameters<PaymentGateway['capture']>[0]) => this.inner.capture(request);
  void = (request: Parameters<PaymentGateway['void']>[0]) => this.inner.void(request);
  release = (request: Parameters<PaymentGateway['release']>[0]) => this.inner.release(request);
}

const paymentDeps = (gateways: PaymentGateway[], timeoutMs = 500): PaymentDeps => ({
  payments: new PostgresPaymentStore(async () => pool),
  holds: new PostgresHoldStore(async () => pool),
  reservations: { get: (id) => booking.reservations.get(id), confirm: (id) => confirmReservation(booking, id) },
  gateways: new CircuitBreakingRouter(gateways, { timeoutMs }),
  notices: { refundedLate: async (r) => void notices.push(r.reservationId) },
  clock,
  newId: () => randomUUID(),
});

const day = (offset: number) => new Date(clock.now().getTime() + offset * 86_400_000).toISOString().slice(0, 10);

/** A Pending reservation of a new car, held by a new user. */
const heldReservation = async (from = 10, to = 13): Promise<Reservation> => {
  const carId = await createCar(
    { cars, cache: booking.cache as never, clock, newId: () => randomUUID() },
    { make: 'Mazda', model: '3', year: 2024, type: 'SEDAN', location: 'MSP', pricePerDayMinor: 4_250 },
  );
  const userId = randomUUID();
  const { reservation } = await requestBooking(booking, { userId, carId, period: { startDate: day(from), endDate: day(to) } });
  await decideBooking(booking, reservation.reservationId);
  return (await booking.reservations.get(reservation.reservationId))!;
};

const payment = (r: Reservation, patch: Partial<PaymentRequest> = {}): PaymentRequest => ({
  userId: r.userId,
  idempotencyKey: randomUUID(),
  reservationId: r.reservationId,
  amount: r.price.totalMinor / 100,
  paymentMethod: 'credit_card',
  details: { cardToken: 'tok_visa' },
  ...patch,
});

beforeAll(async () => {
  [aws, postgres] = await Promise.all([testTables(), startPostgres()]);
  await migrateDatabase(postgres.url, { schema });
  pool = new Pool({ connectionString: schema === 'public' ? postgres.url : withSearchPath(postgres.url, schema), max: 10 });
  redis = testRedis();
  const { db } = aws;
  cars = new DynamoCarRepository(db, aws.names.cars);
  booking = {
    reservations: new DynamoReservationStore(db, aws.names.reservations, cars),
    cars,
    cache: new RedisFleetCache(async () => redis),
    queue: { send: async () => undefined },
    locks: new RedisCarLocks(async () => redis),
    notifier: { publish: async () => undefined },
    clock,
    newId: () => randomUUID(),
    holdMs: 5 * 60_000,
  };
}, 90_000);

afterAll(async () => {
  if (schema !== 'public') await pool?.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
  await pool?.end();
  await redis?.quit();
  await Promise.all([aws?.drop(), postgres?.stop()]);
});

describe('payments on PostgreSQL', () => {
  it('pays a held reservation: 201 Completed, the reservation Confirmed, the outbox delivered', async () => {
    const gateway = new CountingGateway(new SandboxGateway());
    const deps = paymentDeps([gateway]);
    const r = await heldReservation();
    const answer = await pay(deps, payment(r));
    expect(answer).toMatchObject({ status: 201, body: { status: 'Completed', amount: r.price.totalMinor / 100, gateway: 'sandbox' } });
    expect(await booking.reservations.get(r.reservationId)).toMatchObject({ status: 'Confirmed' });
    expect(await deps.payments.pendingEvents(10)).toEqual([]);
    expect(gateway.charges.size).toBe(1);
  });

  it('two concurrent payments of one reservation with different keys: one charge, the other 409', async () => {
    const gateway = new CountingGateway(new SandboxGateway({ latencyMs: 50 }));
    const deps = paymentDeps([gateway]);
    const r = await heldReservation();
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => pay(deps, payment(r))));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason.kind)).toEqual([
      'CONFLICT',
      'CONFLICT',
      'CONFLICT',
      'CONFLICT',
    ]);
    expect(gateway.charges.size).toBe(1);
  });

  it('the same Idempotency-Key, concurrently and in sequence: one charge, the same answer', async () => {
    const gateway = new CountingGateway(new SandboxGateway({ latencyMs: 50 }));
    const deps = paymentDeps([gateway]);
    const r = await heldReservation();
    const request = payment(r);
    const concurrent = await Promise.allSettled([pay(deps, request), pay(deps, request), pay(deps, request)]);
    const first = concurrent.find((o) => o.status === 'fulfilled') as PromiseFulfilledResult<{ body: unknown }>;
    // Those that arrived while the first was in flight were told to retry (409), not charged.
    for (const o of concurrent) if (o.status === 'rejected') expect(o.reason).toMatchObject({ kind: 'CONFLICT' });
    expect(await pay(deps, request)).toEqual(first.value);
    expect(await pay(deps, request)).toEqual(first.value);
    expect(gateway.charges.size).toBe(1);
    await expect(pay(deps, { ...request, amount: request.amount + 1 })).rejects.toMatchObject({ kind: 'IDEMPOTENCY_MISMATCH' });
  });

  it('primary down: the fallback takes it and the payment records which; both down: 503, nothing charged, still Pending', async () => {
    const down = chargeOnly({
      id: 'stripe',
      charge: async () => {
        throw new GatewayUnavailable('stripe', 'connect ECONNREFUSED');
      },
      refund: async () => {
        throw new GatewayUnavailable('stripe', 'connect ECONNREFUSED');
      },
    });
    const r = await heldReservation();
    const answer = await pay(paymentDeps([down, new SandboxGateway()]), payment(r));
    expect(answer.body).toMatchObject({ gateway: 'sandbox', status: 'Completed' });

    const other = await heldReservation();
    await expect(pay(paymentDeps([down]), payment(other))).rejects.toMatchObject({ kind: 'DEPENDENCY_UNAVAILABLE', retryAfterSeconds: 30 });
    expect(await booking.reservations.get(other.reservationId)).toMatchObject({ status: 'Pending' });
    // The key is free again: the retry goes through once a gateway is back.
    const retry = payment(other);
    await expect(pay(paymentDeps([down]), retry)).rejects.toMatchObject({ kind: 'DEPENDENCY_UNAVAILABLE' });
    expect((await pay(paymentDeps([new SandboxGateway()]), retry)).status).toBe(201);
  });

  it('declined: 422 with the reason, still Pending, payable again with a new key before the hold lapses', async () => {
    const deps = paymentDeps([new SandboxGateway()]);
    const r = await heldReservation();
    const declined = payment(r, { details: { cardToken: 'tok_decline' } });
    await expect(pay(deps, declined)).rejects.toMatchObject({ kind: 'PAYMENT_DECLINED', details: { reason: 'Your card was declined.' } });
    await expect(pay(deps, declined)).rejects.toMatchObject({ kind: 'PAYMENT_DECLINED' }); // replayed
    expect(await booking.reservations.get(r.reservationId)).toMatchObject({ status: 'Pending' });
    expect((await pay(deps, payment(r))).status).toBe(201);
  });

  it('dies after the charge and before the confirmation: the relay confirms later, no second charge', async () => {
    const gateway = new CountingGateway(new SandboxGateway());
    let crash = true;
    const deps = paymentDeps([gateway]);
    const crashing: PaymentDeps = {
      ...deps,
      reservations: {
        ...deps.reservations,
        confirm: async (id) => {
          if (crash) throw new Error('process died');
          return deps.reservations.confirm(id);
        },
      },
    };
    const r = await heldReservation();
    expect((await pay(crashing, payment(r))).status).toBe(201);
    expect(await booking.reservations.get(r.reservationId)).toMatchObject({ status: 'Pending' });
    crash = false;
    expect(await deliverEvents(crashing)).toMatchObject({ delivered: expect.any(Number) });
    expect(await booking.reservations.get(r.reservationId)).toMatchObject({ status: 'Confirmed' });
    expect(gateway.charges.size).toBe(1);
  });

  it('a payment that lands after the hold lapsed is refunded in full, once, and the customer told', async () => {
    const deps = paymentDeps([new SandboxGateway()]);
    const r = await heldReservation();
    const stalled: PaymentDeps = {
      ...deps,
      reservations: { ...deps.reservations, confirm: async () => Promise.reject(new Error('not yet')) },
    };
    await pay(stalled, payment(r));
    clock.advance(6 * 60_000);
    await deliverEvents(deps);
    await deliverEvents(deps);
    const { payments, refunds } = await deps.payments.byReservation(r.reservationId);
    expect(payments[0]).toMatchObject({ status: 'succeeded', refundedMinor: r.price.totalMinor });
    expect(refunds).toEqual([expect.objectContaining({ source: 'lapsed_hold', status: 'succeeded', amountMinor: r.price.totalMinor })]);
    expect(notices).toContain(r.reservationId);
  });

  it('cancelled after payment: the refund follows the policy, once, however often it is asked for', async () => {
    const deps = paymentDeps([new SandboxGateway()]);
    const r = await heldReservation(1, 3); // pick-up within 48 hours: half back
    await pay(deps, payment(r));
    const cancelled = await cancelReservation(booking, { userId: r.userId, isAdmin: false }, r.reservationId);
    expect(cancelled.refund).toEqual({ percent: 50, amountMinor: Math.floor(r.price.totalMinor / 2) });
    await Promise.all([
      refundCancellation(deps, r.reservationId, cancelled.refund!.amountMinor),
      refundCancellation(deps, r.reservationId, cancelled.refund!.amountMinor),
    ]);
    await refundCancellation(deps, r.reservationId, cancelled.refund!.amountMinor);
    const { payments, refunds } = await deps.payments.byReservation(r.reservationId);
    expect(refunds).toHaveLength(1);
    expect(payments[0].refundedMinor).toBe(cancelled.refund!.amountMinor);
  });

  it('refuses bad input: wrong amount, unknown method, details that do not fit, a card number, another user, a lapsed hold', async () => {
    const deps = paymentDeps([new SandboxGateway()]);
    const r = await heldReservation();
    const fields = async (request: PaymentRequest) =>
      (
        await pay(deps, request).then(
          () => undefined,
          (e: { details?: { fields?: Array<{ field: string }> } }) => e,
        )
      )?.details?.fields?.map((f) => f.field);
    expect(await fields(payment(r, { amount: 1 }))).toEqual(['body.amount']);
    expect(await fields(payment(r, { paymentMethod: 'bitcoin' }))).toEqual(['body.paymentMethod']);
    expect(await fields(payment(r, { paymentMethod: 'paypal', details: { cardToken: 'tok_visa' } }))).toEqual([
      'body.details.orderId',
      'body.details.cardToken',
    ]);
    expect(await fields(payment(r, { details: { cardToken: '4242 4242 4242 4242' } }))).toEqual(['body.details.cardToken']);
    await expect(pay(deps, payment(r, { userId: randomUUID() }))).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    clock.advance(6 * 60_000);
    await expect(pay(deps, payment(r))).rejects.toMatchObject({ kind: 'CONFLICT', details: { status: 'Expired' } });
  });

  it("an admin's refund Idempotency-Key is scoped to the payment and the admin, and a repeat must carry the same body (else 422)", async () => {
    const deps = paymentDeps([new SandboxGateway()]);
    const [first, second] = [await heldReservation(), await heldReservation()];
    const paymentOf = async (r: Reservation) => (await pay(deps, payment(r))).body as { paymentId: string };
    const [p1, p2] = [await paymentOf(first), await paymentOf(second)];
    const key = { adminId: 'admin-1', idempotencyKey: 'refund-key-1' };
    // Amounts are decimal in the payment's currency (USD here: 5 is 500 cents).
    const refundOf = async (paymentId: string, amount: number, reason: string, k = key) =>
      (await adminRefund(deps, paymentId, amount, reason, k)).refund;
    const refund = await refundOf(p1.paymentId, 5, 'Goodwill');
    expect(await refundOf(p1.paymentId, 5, 'Goodwill')).toMatchObject({ refundId: refund.refundId });
    // The same key with another amount or reason: refused, nothing refunded.
    await expect(refundOf(p1.paymentId, 7, 'Goodwill')).rejects.toMatchObject({ kind: 'IDEMPOTENCY_MISMATCH' });
    await expect(refundOf(p1.paymentId, 5, 'Other')).rejects.toMatchObject({ kind: 'IDEMPOTENCY_MISMATCH' });
    // The same key on another payment: that payment's own refund (before: the first payment's, and nothing refunded).
    const other = await refundOf(p2.paymentId, 5, 'Goodwill');
    expect(other).toMatchObject({ paymentId: p2.paymentId, status: 'succeeded' });
    expect(other.refundId).not.toBe(refund.refundId);
    // Another admin's key of the same text is theirs.
    const byOther = await refundOf(p1.paymentId, 5, 'Goodwill', { ...key, adminId: 'admin-2' });
    expect(byOther.refundId).not.toBe(refund.refundId);
    // More decimals than the currency has: a 400 naming the amount, nothing refunded.
    await expect(refundOf(p1.paymentId, 0.001, 'Goodwill', { ...key, idempotencyKey: 'refund-key-2' })).rejects.toMatchObject({
      kind: 'VALIDATION',
    });
    expect((await deps.payments.get(p1.paymentId))!.refundedMinor).toBe(1000);
    expect((await deps.payments.get(p2.paymentId))!.refundedMinor).toBe(500);
  });

  it('an Idempotency-Key is stored hashed: a card number sent as one is nowhere in the database', async () => {
    const deps = paymentDeps([new SandboxGateway()]);
    const r = await heldReservation();
    const request = payment(r, { idempotencyKey: '4111 1111 1111 1111' });
    const answer = await pay(deps, request);
    expect(await pay(deps, request)).toEqual(answer); // still found by the key
    const rows = await pool.query(
      // The text with its spaces: a hex digest may hold '4111' by chance (about 1 in 1,000), never a space.
      `SELECT (SELECT count(*)::int FROM idempotency_keys WHERE key LIKE '%4111 1111%') AS keys,
              (SELECT count(*)::int FROM payments WHERE idempotency_key LIKE '%4111 1111%') AS payments`,
    );
    expect(rows.rows[0]).toEqual({ keys: 0, payments: 0 });
  });

  it('a hold that lapses while the payment is under way: refunded in full, and the answer (and its replay) says so', async () => {
    const sandbox = new SandboxGateway();
    const lapsing = chargeOnly({
      id: 'sandbox',
      charge: async (request) => {
        clock.advance(6 * 60_000); // the hold lapses during the charge
        return sandbox.charge(request);
      },
      refund: (request) => sandbox.refund(request),
    });
    const deps = paymentDeps([lapsing]);
    const r = await heldReservation();
    const request = payment(r);
    const expected = { kind: 'CONFLICT', details: { status: 'Expired', refunded: r.price.totalMinor / 100 } };
    await expect(pay(deps, request)).rejects.toMatchObject(expected);
    await expect(pay(deps, request)).rejects.toMatchObject(expected);
    const { payments, refunds } = await deps.payments.byReservation(r.reservationId);
    expect(payments[0]).toMatchObject({ status: 'succeeded', refundedMinor: r.price.totalMinor });
    expect(refunds).toEqual([expect.objectContaining({ source: 'lapsed_hold', amountMinor: r.price.totalMinor })]);
  });

  it("a customer's cancel and the relay's redelivered confirmation, interleaved: only the policy's refund, never more", async () => {
    const deps = paymentDeps([new SandboxGateway({ latencyMs: 20 })]);
    for (let round = 0; round < 3; round++) {
      const r = await heldReservation(1, 3); // pick-up within 48 hours: half back
      // The immediate confirmation lands, then the process dies before the event is marked delivered.
      const dying: PaymentDeps = {
        ...deps,
        reservations: {
          ...deps.reservations,
          confirm: async (id) => {
            await deps.reservations.confirm(id);
            throw new Error('process died');
          },
        },
      };
      await pay(dying, payment(r));
      expect(await booking.reservations.get(r.reservationId)).toMatchObject({ status: 'Confirmed' });
      const cancelled = await cancelReservation(booking, { userId: r.userId, isAdmin: false }, r.reservationId);
      const policy = cancelled.refund!.amountMinor;
      await Promise.all([
        refundCancellation(deps, r.reservationId, policy),
        deliverEvents(deps),
        refundCancellation(deps, r.reservationId, policy),
      ]);
      await deliverEvents(deps);
      const { payments, refunds } = await deps.payments.byReservation(r.reservationId);
      expect(payments[0].refundedMinor).toBe(policy);
      expect(refunds.map((f) => f.source)).toEqual(['cancellation']);
    }
  });

  describe('live mode (the Stripe adapter against the Stripe fake) and the reconciler', () => {
    let fake: StripeFake;
    beforeAll(async () => {
      fake = await startStripe();
    });
    afterAll(() => fake.stop());
    const stripe = (key = 'sk_test_fake123') =>
      new StripeGateway(key, { host: fake.host, port: fake.port, protocol: 'http', timeoutMs: 8_000 });
    const card = (r: Reservation, token: string, patch: Partial<PaymentRequest> = {}) =>
      payment(r, { details: { cardToken: token }, ...patch });
    const reconcileLater = async (deps: PaymentDeps, ms: number) => {
      clock.advance(ms);
      return reconcilePayments(deps);
    };

    it('an unknown card token is a final 422, and the reservation can then be paid with a good card', async () => {
      const deps = paymentDeps([stripe()], 10_000);
      const r = await heldReservation();
      await expect(pay(deps, card(r, 'pm_does_not_exist'))).rejects.toMatchObject({ kind: 'PAYMENT_DECLINED' });
      const paid = await pay(deps, card(r, 'pm_card_visa'));
      expect(paid).toMatchObject({ status: 201, body: { status: 'Completed', gateway: 'stripe' } });
      expect(await booking.reservations.get(r.reservationId)).toMatchObject({ status: 'Confirmed' });
    });

    it('dies after Stripe charged and before the database write: the reconciler completes it and confirms the reservation', async () => {
      const deps = paymentDeps([stripe()], 10_000);
      const dying: PaymentDeps = {
        ...deps,
        payments: Object.assign(Object.create(deps.payments), { succeed: () => Promise.reject(new Error('process died')) }),
      };
      const r = await heldReservation();
      const request = card(r, 'pm_card_visa');
      await expect(pay(dying, request)).rejects.toThrow('process died');
      await expect(pay(deps, request)).rejects.toMatchObject({ kind: 'CONFLICT' }); // in progress
      expect(await reconcilePayments(deps)).toMatchObject({ completed: 0 }); // too recent: may still be running
      expect(await reconcileLater(deps, 2 * 60_000 + 1)).toMatchObject({ completed: 1 });
      const { payments } = await deps.payments.byReservation(r.reservationId);
      expect(payments).toEqual([
        expect.objectContaining({ status: 'succeeded', gateway: 'stripe', gatewayReference: fake.succeededCharges().at(-1)!.id }),
      ]);
      expect(await booking.reservations.get(r.reservationId)).toMatchObject({ status: 'Confirmed' });
      expect(await pay(deps, request)).toMatchObject({ status: 201, body: { status: 'Completed' } }); // the key's answer
    });

    it('a charge that ended in an error Stripe never took (bad API key): the reconciler fails it and frees the key', async () => {
      const r = await heldReservation();
      const request = card(r, 'pm_card_visa');
      await expect(pay(paymentDeps([stripe('sk_bad')], 10_000), request)).rejects.toThrow(/HTTP 401/);
      const deps = paymentDeps([stripe()], 10_000);
      await expect(pay(deps, card(r, 'pm_card_visa'))).rejects.toMatchObject({ kind: 'CONFLICT' }); // "already paid or under way"
      expect(await reconcileLater(deps, 2 * 60_000 + 1)).toMatchObject({ failed: 0 }); // Stripe's search may lag: not yet
      expect(await reconcileLater(deps, UNKNOWN_AFTER_MS)).toMatchObject({ failed: 1 });
      expect((await deps.payments.byReservation(r.reservationId)).payments[0]).toMatchObject({ status: 'failed' });
      // The key is free: the same request goes through again, to find the hold lapsed meanwhile (not "in progress").
      await expect(pay(deps, request)).rejects.toMatchObject({ kind: 'CONFLICT', details: { status: 'Expired' } });
    });
  });
});
