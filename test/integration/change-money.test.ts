import { randomUUID } from 'node:crypto';
import type { Reservation } from '../../lambdas/domain/bookings/reservation';
import { changeMoney } from '../../lambdas/domain/payments/change-money';
import { counterMoney } from '../../lambdas/domain/payments/counter-money';
import { settleEndedReservation } from '../../lambdas/domain/payments/ended';
import { pay } from '../../lambdas/domain/payments/pay';
import { startPaymentsDatabase, type PaymentsTestDatabase } from '../support/payments-database';
import { paymentTestDeps } from '../support/payment-deps';

// The money of a change (PATCH /v2/reservations/{id}, bookings/change.ts) on PostgreSQL: a higher
// total is charged the difference by a payment of its own (change_id), once per change; a lower one is
// refunded from the payments, newest first; a change that never landed gives its payment back; the
// pick-up, the return and a cancellation count the change's payments. On the real PostgreSQL of
// DATABASE_URL (a schema of its own), PGlite otherwise; the race on PostgreSQL only.
const onPostgres = Boolean(process.env.DATABASE_URL);
const racing = (name: string, fn: () => Promise<void>) =>
  onPostgres ? it(name, fn) : it.skip(`${name} (skipped: needs the real PostgreSQL of DATABASE_URL; PGlite runs one query at a time)`, fn);

let db: PaymentsTestDatabase;
const reservations = new Map<string, Reservation>();
const deps = () => paymentTestDeps(() => db, reservations);
const TOTAL = 42_000;
const CARD = { paymentMethod: 'credit_card', details: { cardToken: 'tok_visa' } };

/** A reservation paid as booked (pay now: charged; pay at pick-up: its total authorised), Confirmed. */
const paid = async (paymentOption: 'payNow' | 'payAtPickup' = 'payNow'): Promise<Reservation> => {
  const at = new Date().toISOString();
  const r: Reservation = {
    reservationId: randomUUID(),
    userId: randomUUID(),
    carId: randomUUID(),
    startDate: '2030-03-10',
    endDate: '2030-03-12',
    pickupAt: '2030-03-10T10:00:00-05:00',
    returnAt: '2030-03-12T10:00:00-05:00',
    readyAt: '2030-03-12T11:00:00-05:00',
    status: 'Pending',
    price: { currency: 'USD', dailyMinor: TOTAL / 2, days: 2, totalMinor: TOTAL },
    car: { make: 'Kia', model: 'Rio', year: 2023, type: 'COMPACT', location: 'BOS' },
    paymentOption,
    holdExpiresAt: Date.now() + 60 * 60_000,
    createdAt: at,
    updatedAt: at,
  };
  reservations.set(r.reservationId, r);
  const answer = await pay(deps(), {
    userId: r.userId,
    idempotencyKey: randomUUID(),
    reservationId: r.reservationId,
    amount: TOTAL / 100,
    ...CARD,
    authorises: true,
  });
  expect(answer.status).toBe(201);
  expect(reservations.get(r.reservationId)!.status).toBe('Confirmed');
  return reservations.get(r.reservationId)!;
};

const priced = (r: Reservation, totalMinor: number): Reservation => ({ ...r, price: { ...r.price, totalMinor } });

const money = async (reservationId: string) => {
  const { rows: payments } = await db
    .pool()
    .query('SELECT amount_minor, refunded_minor, status, change_id FROM payments WHERE reservation_id = $1 ORDER BY created_at', [
      reservationId,
    ]);
  const { rows: refunds } = await db
    .pool()
    .query(
      'SELECT r.source, r.amount_minor FROM refunds r JOIN payments p USING (payment_id) WHERE p.reservation_id = $1 ORDER BY r.created_at',
      [reservationId],
    );
  return {
    payments: payments.map((p) => ({
      amount: Number(p.amount_minor),
      refunded: Number(p.refunded_minor),
      status: p.status,
      change: p.change_id,
    })),
    refunds: refunds.map((r) => ({ source: r.source, amount: Number(r.amount_minor) })),
  };
};

beforeAll(async () => {
  db = await startPaymentsDatabase();
}, 90_000);

afterAll(async () => {
  await db?.stop();
});

describe(`change money on ${onPostgres ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('paid now: a higher total charges the difference once; a lower one refunds it, the change’s payment first; a change that never landed gives its payment back', async () => {
    const d = deps();
    const changes = changeMoney(d);
    const r = await paid();
    await expect(changes.charge(priced(r, 50_000), 'c1', CARD)).resolves.toEqual({ chargedMinor: 8_000 });
    // A retry of the same change replays its payment; nothing more is taken.
    await expect(changes.charge(priced(r, 50_000), 'c1', CARD)).resolves.toEqual({ chargedMinor: 8_000 });
    expect((await money(r.reservationId)).payments).toEqual([
      { amount: TOTAL, refunded: 0, status: 'succeeded', change: null },
      { amount: 8_000, refunded: 0, status: 'succeeded', change: 'c1' },
    ]);
    // Down to 30 000: 20 000 back, the change's 8 000 first, then 12 000 of the booking's.
    await expect(changes.refund(priced(r, 30_000), 'c2')).resolves.toEqual({ refundedMinor: 20_000 });
    await expect(changes.refund(priced(r, 30_000), 'c2')).resolves.toEqual({ refundedMinor: 0 });
    expect((await money(r.reservationId)).refunds).toEqual([
      { source: 'change', amount: 8_000 },
      { source: 'change', amount: 12_000 },
    ]);
    // Another change charged but never landed (the car was taken meanwhile): its payment goes back, once.
    await changes.charge(priced(r, 31_000), 'c3', CARD);
    await changes.undo(r, 'c3');
    await changes.undo(r, 'c3');
    const after = await money(r.reservationId);
    expect(after.payments.at(-1)).toEqual({ amount: 1_000, refunded: 1_000, status: 'succeeded', change: 'c3' });
    expect(after.refunds).toHaveLength(3);
  });

  it('a higher total needs a source, on the rental’s own method; a declined card takes nothing', async () => {
    const changes = changeMoney(deps());
    const r = await paid();
    await expect(changes.charge(priced(r, 50_000), 'c1', undefined)).rejects.toMatchObject({ code: 'PAYMENT_REQUIRED' });
    await expect(
      changes.charge(priced(r, 50_000), 'c1', { paymentMethod: 'paypal', details: { orderId: 'order_ok' } }),
    ).rejects.toMatchObject({ code: 'SAME_PAYMENT_METHOD' });
    await expect(changes.charge(priced(r, 50_000), 'c1', { ...CARD, details: { cardToken: '4111 1111 1111 1111' } })).rejects.toMatchObject(
      {
        kind: 'VALIDATION',
        details: { fields: [expect.objectContaining({ field: 'body.payment.details.cardToken' })] },
      },
    );
    await expect(changes.charge(priced(r, 50_000), 'c1', { ...CARD, details: { cardToken: 'tok_decline' } })).rejects.toMatchObject({
      kind: 'PAYMENT_DECLINED',
    });
    const { payments } = await money(r.reservationId);
    expect(payments.map((p) => p.status)).toEqual(['succeeded', 'declined']);
    // Lower or the same: nothing to charge.
    await expect(changes.charge(priced(r, TOTAL), 'c2', undefined)).resolves.toEqual({ chargedMinor: 0 });
  });

  it('paid at pick-up: a raise is paid now, the pick-up captures the rest of the total, the return counts both', async () => {
    const d = deps();
    const changes = changeMoney(d);
    const r = await paid('payAtPickup');
    await expect(changes.charge(priced(r, 50_000), 'c1', CARD)).resolves.toEqual({ chargedMinor: 8_000 });
    // Then lowered to 45 000 before the pick-up: the 5 000 come back from the change's payment; the hold covers the rest.
    await expect(changes.refund(priced(r, 45_000), 'c2')).resolves.toEqual({ refundedMinor: 5_000 });
    const counter = counterMoney(d);
    const changed = priced(r, 45_000);
    await counter.pickup(changed, { amountMinor: 10_000, source: CARD });
    const { rows: holds } = await db
      .pool()
      .query(`SELECT kind, status, captured_minor FROM authorisations WHERE reservation_id = $1 AND kind = 'rental'`, [r.reservationId]);
    expect(holds.map((h) => [h.status, Number(h.captured_minor)])).toEqual([['captured', 42_000]]);
    const settlement = await counter.settleReturn({ ...changed, status: 'Active' }, 0);
    expect(settlement.paidMinor).toBe(45_000);
  });

  it('a cancellation after a raise refunds what the policy gives back from both payments', async () => {
    const d = deps();
    const r = await paid();
    await changeMoney(d).charge(priced(r, 50_000), 'c1', CARD);
    // Half of 50 000 back: 8 000 of the change's payment, 17 000 of the booking's; once, however often the event comes.
    const cancelled = {
      reservationId: r.reservationId,
      paymentOption: 'payNow' as const,
      price: { totalMinor: 50_000 },
      refund: { amountMinor: 25_000 },
    };
    for (let delivery = 0; delivery < 2; delivery++)
      await settleEndedReservation(d, { type: 'ReservationCancelled', reservation: cancelled });
    expect((await money(r.reservationId)).refunds).toEqual([
      { source: 'cancellation', amount: 8_000 },
      { source: 'cancellation', amount: 17_000 },
    ]);
  });

  racing('the same change charged twice at once: one payment', async () => {
    const changes = changeMoney(deps());
    const r = await paid();
    const outcomes = await Promise.allSettled([
      changes.charge(priced(r, 50_000), 'c1', CARD),
      changes.charge(priced(r, 50_000), 'c1', CARD),
    ]);
    for (const o of outcomes) {
      if (o.status === 'fulfilled') expect(o.value).toEqual({ chargedMinor: 8_000 });
      else expect(o.reason).toMatchObject({ kind: 'CONFLICT' });
    }
    expect((await money(r.reservationId)).payments.filter((p) => p.change === 'c1')).toEqual([
      { amount: 8_000, refunded: 0, status: 'succeeded', change: 'c1' },
    ]);
  });
});
