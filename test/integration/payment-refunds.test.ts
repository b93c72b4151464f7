import { randomUUID } from 'node:crypto';
import { CircuitBreakingRouter } from '../../lambdas/adapters/payments/gateways/router';
import { SandboxGateway } from '../../lambdas/adapters/payments/gateways/sandbox-gateway';
import { PostgresHoldStore } from '../../lambdas/adapters/payments/postgres-hold-store';
import { PostgresPaymentStore } from '../../lambdas/adapters/payments/postgres-payment-store';
import type { Reservation } from '../../lambdas/domain/bookings/reservation';
import { pay, type PaymentRequest } from '../../lambdas/domain/payments/pay';
import type { PaymentDeps } from '../../lambdas/domain/payments/ports';
import { adminRefund } from '../../lambdas/domain/payments/refunds';
import { startPaymentsDatabase, type PaymentsTestDatabase } from '../support/payments-database';

// What the payments store keeps when money moves more than once: partial refunds one after another and
// at once, and the one live payment per reservation. On the real PostgreSQL of DATABASE_URL (a schema
// of its own), on PGlite otherwise. The reservation side is a map here: the store is under test, and a
// reservation that stays Pending leaves the store's unique index as the only guard against a second payment.
const onPostgres = Boolean(process.env.DATABASE_URL);
/** PGlite runs one query at a time: "concurrent" there is sequential, so the race is only tried on PostgreSQL. */
const racing = (name: string, fn: () => Promise<void>) =>
  onPostgres ? it(name, fn) : it.skip(`${name} (skipped: needs the real PostgreSQL of DATABASE_URL; PGlite runs one query at a time)`, fn);

let db: PaymentsTestDatabase;
const reservations = new Map<string, Reservation>();

const deps = (gateway = new SandboxGateway()): PaymentDeps => ({
  payments: new PostgresPaymentStore(async () => db.pool()),
  holds: new PostgresHoldStore(async () => db.pool()),
  reservations: { get: async (id) => reservations.get(id), confirm: async (id) => reservations.has(id) },
  gateways: new CircuitBreakingRouter([gateway], { timeoutMs: 2_000 }),
  notices: { refundedLate: async () => undefined },
  clock: { now: () => new Date() },
  newId: () => randomUUID(),
});

/** A Pending reservation with a live hold, costing `totalMinor`. */
const pending = (totalMinor: number): Reservation => {
  const now = new Date().toISOString();
  const r: Reservation = {
    reservationId: randomUUID(),
    userId: randomUUID(),
    carId: randomUUID(),
    startDate: '2030-03-10',
    endDate: '2030-03-11',
    status: 'Pending',
    price: { currency: 'USD', dailyMinor: totalMinor, days: 1, totalMinor },
    car: { make: 'Kia', model: 'Rio', year: 2023, type: 'COMPACT', location: 'BOS' },
    holdExpiresAt: Date.now() + 60 * 60_000,
    createdAt: now,
    updatedAt: now,
  };
  reservations.set(r.reservationId, r);
  return r;
};

const payment = (r: Reservation, token = 'tok_visa'): PaymentRequest => ({
  userId: r.userId,
  idempotencyKey: randomUUID(),
  reservationId: r.reservationId,
  amount: r.price.totalMinor / 100,
  paymentMethod: 'credit_card',
  details: { cardToken: token },
});

/** A completed payment of `totalMinor`, as the store holds it. */
const paid = async (d: PaymentDeps, totalMinor: number) => {
  const r = pending(totalMinor);
  await pay(d, payment(r));
  const { payments } = await d.payments.byReservation(r.reservationId);
  expect(payments).toHaveLength(1);
  return payments[0];
};

/** An admin's refund of `amountMinor` cents (the route takes decimal USD). */
const refund = async (d: PaymentDeps, paymentId: string, amountMinor: number) =>
  (await adminRefund(d, paymentId, amountMinor / 100, 'Goodwill', { adminId: 'admin-1', idempotencyKey: randomUUID() })).refund;

beforeAll(async () => {
  db = await startPaymentsDatabase();
}, 90_000);

afterAll(async () => {
  await db?.stop();
});

describe(`refunds and the one live payment on ${onPostgres ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('partial refunds add up: 3,000 and 2,000 of 5,000 go through, a third of 2,000 is refused, 5,000 recorded', async () => {
    const d = deps();
    const { paymentId } = await paid(d, 5_000);
    await refund(d, paymentId, 3_000);
    expect((await d.payments.get(paymentId))!.refundedMinor).toBe(3_000);
    await refund(d, paymentId, 2_000);
    expect((await d.payments.get(paymentId))!.refundedMinor).toBe(5_000);
    await expect(refund(d, paymentId, 2_000)).rejects.toMatchObject({ kind: 'CONFLICT', details: { leftToRefund: 0 } });
    const after = await d.payments.get(paymentId);
    expect(after!.refundedMinor).toBe(5_000);
    const { refunds } = await d.payments.byReservation(after!.reservationId);
    expect(refunds.map((r) => r.amountMinor).sort()).toEqual([2_000, 3_000]);
  });

  racing('concurrent partial refunds never take more than was paid, and the total is the sum of those that went through', async () => {
    const d = deps(new SandboxGateway({ latencyMs: 20 }));
    const { paymentId, reservationId } = await paid(d, 5_000);
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => refund(d, paymentId, 1_500)));
    const done = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(done).toHaveLength(3);
    expect(refused.map((o) => o.reason.kind)).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT']);
    expect((await d.payments.get(paymentId))!.refundedMinor).toBe(4_500);
    expect((await d.payments.byReservation(reservationId)).refunds.map((r) => r.amountMinor)).toEqual([1_500, 1_500, 1_500]);
    // What is left (500) can still be refunded, and then nothing more.
    await refund(d, paymentId, 500);
    await expect(refund(d, paymentId, 1)).rejects.toMatchObject({ kind: 'CONFLICT' });
    expect((await d.payments.get(paymentId))!.refundedMinor).toBe(5_000);
  });

  it('a reservation paid once cannot be paid again with another key (409), nothing charged twice; a declined attempt does not count', async () => {
    const d = deps();
    const r = pending(4_000);
    await expect(pay(d, payment(r, 'tok_decline'))).rejects.toMatchObject({ kind: 'PAYMENT_DECLINED' });
    await pay(d, payment(r));
    await expect(pay(d, payment(r))).rejects.toMatchObject({ kind: 'CONFLICT' });
    const { payments } = await d.payments.byReservation(r.reservationId);
    expect(payments).toHaveLength(2);
    expect(payments.filter((p) => p.gatewayReference)).toHaveLength(1);
  });

  racing('concurrent payments of one reservation with different keys: one payment, the others 409', async () => {
    const d = deps(new SandboxGateway({ latencyMs: 20 }));
    const r = pending(4_000);
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => pay(d, payment(r))));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason.kind)).toEqual(
      Array(5).fill('CONFLICT'),
    );
    expect((await d.payments.byReservation(r.reservationId)).payments).toHaveLength(1);
  });
});
