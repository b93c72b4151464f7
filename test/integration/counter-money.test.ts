import { randomUUID } from 'node:crypto';
import { SandboxGateway } from '../../lambdas/adapters/payments/gateways/sandbox-gateway';
import type { Reservation } from '../../lambdas/domain/bookings/reservation';
import { counterMoney } from '../../lambdas/domain/payments/counter-money';
import { settleEndedReservation } from '../../lambdas/domain/payments/ended';
import { pay, type PaymentRequest } from '../../lambdas/domain/payments/pay';
import { startPaymentsDatabase, type PaymentsTestDatabase } from '../support/payments-database';
import { paymentTestDeps } from '../support/payment-deps';

// The counter's money (issue 20) on PostgreSQL: a pay-at-pick-up reservation's v2 payment authorises
// its total and confirms it; the pick-up takes the deposit and captures the rental; the return releases
// the deposit less its charges; no-shows refund (pay now) or capture their fee (pay at pick-up). On the
// real PostgreSQL of DATABASE_URL (a schema of its own), PGlite otherwise; the races on PostgreSQL only.
// Reservations are a map here (the booking side's confirm: Pending with a live hold -> Confirmed).
const onPostgres = Boolean(process.env.DATABASE_URL);
const racing = (name: string, fn: () => Promise<void>) =>
  onPostgres ? it(name, fn) : it.skip(`${name} (skipped: needs the real PostgreSQL of DATABASE_URL; PGlite runs one query at a time)`, fn);

let db: PaymentsTestDatabase;
const reservations = new Map<string, Reservation>();

const deps = (sandbox = new SandboxGateway()) => paymentTestDeps(() => db, reservations, sandbox);

const TOTAL = 42_000;

const pending = (patch: Partial<Reservation> = {}): Reservation => {
  const now = new Date().toISOString();
  const r: Reservation = {
    reservationId: randomUUID(),
    userId: randomUUID(),
    carId: randomUUID(),
    startDate: '2030-03-10',
    endDate: '2030-03-12',
    status: 'Pending',
    price: { currency: 'USD', dailyMinor: TOTAL / 2, days: 2, totalMinor: TOTAL },
    car: { make: 'Kia', model: 'Rio', year: 2023, type: 'COMPACT', location: 'BOS' },
    paymentOption: 'payAtPickup',
    holdExpiresAt: Date.now() + 60 * 60_000,
    createdAt: now,
    updatedAt: now,
    ...patch,
  };
  reservations.set(r.reservationId, r);
  return r;
};

const payment = (r: Reservation, token = 'tok_visa', idempotencyKey = randomUUID()): PaymentRequest => ({
  userId: r.userId,
  idempotencyKey,
  reservationId: r.reservationId,
  amount: r.price.totalMinor / 100,
  paymentMethod: 'credit_card',
  details: { cardToken: token },
  authorises: true,
});

const card = (cardToken = 'tok_visa') => ({ paymentMethod: 'credit_card', details: { cardToken } });
const now = (r: Reservation) => reservations.get(r.reservationId)!;

const rows = async (table: 'authorisations' | 'authorisation_operations' | 'payments' | 'refunds', reservationId: string) => {
  const sql = {
    authorisations: 'SELECT kind, status, amount_minor, captured_minor FROM authorisations WHERE reservation_id = $1 ORDER BY created_at',
    authorisation_operations: `SELECT o.kind, o.status, o.amount_minor FROM authorisation_operations o JOIN authorisations a USING (authorisation_id)
      WHERE a.reservation_id = $1 ORDER BY o.created_at`,
    payments: 'SELECT status FROM payments WHERE reservation_id = $1',
    refunds: 'SELECT r.source, r.amount_minor FROM refunds r JOIN payments p USING (payment_id) WHERE p.reservation_id = $1',
  }[table];
  return (await db.pool().query(sql, [reservationId])).rows.map((r) => ({
    ...r,
    amount_minor: Number(r.amount_minor),
    ...('captured_minor' in r ? { captured_minor: Number(r.captured_minor) } : {}),
  }));
};

beforeAll(async () => {
  db = await startPaymentsDatabase();
}, 90_000);

afterAll(async () => {
  await db?.stop();
});

describe(`counter money on ${onPostgres ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('pay at pick-up, whole: the v2 payment authorises the total and confirms; pick-up captures it and takes the deposit; the return settles', async () => {
    const d = deps();
    const r = pending();
    const asked = payment(r);
    const answer = await pay(d, asked);
    expect(answer).toEqual({
      status: 201,
      body: expect.objectContaining({
        reservationId: r.reservationId,
        status: 'Authorised',
        amount: 420,
        currency: 'USD',
        gateway: 'sandbox',
      }),
    });
    expect(now(r).status).toBe('Confirmed');
    // The key replays; another body under it is refused; nothing was charged.
    await expect(pay(d, asked)).resolves.toEqual(answer);
    await expect(pay(d, { ...asked, details: { cardToken: 'tok_mastercard' } })).rejects.toMatchObject({ kind: 'IDEMPOTENCY_MISMATCH' });
    expect(await rows('payments', r.reservationId)).toEqual([]);

    const money = counterMoney(d);
    const picked = await money.pickup(now(r), { amountMinor: 20_000, source: card() });
    await expect(money.pickup(now(r), { amountMinor: 20_000, source: card() })).resolves.toEqual(picked);
    const settlement = await money.settleReturn({ ...now(r), status: 'Active' }, 6_500);
    expect(settlement).toEqual({
      paidMinor: TOTAL,
      chargesMinor: 6_500,
      chargedNowMinor: 6_500,
      releasedMinor: 13_500,
      outstandingMinor: 0,
    });
    await expect(money.settleReturn({ ...now(r), status: 'Active' }, 6_500)).resolves.toEqual(settlement);
    expect(await rows('authorisations', r.reservationId)).toEqual([
      { kind: 'rental', status: 'captured', amount_minor: TOTAL, captured_minor: TOTAL },
      { kind: 'deposit', status: 'partially_captured', amount_minor: 20_000, captured_minor: 6_500 },
    ]);
    expect(await rows('authorisation_operations', r.reservationId)).toEqual([
      { kind: 'capture', status: 'succeeded', amount_minor: TOTAL },
      { kind: 'release', status: 'succeeded', amount_minor: 6_500 },
    ]);
  });

  it('a declined authorisation is the payment 422, replayed; v1 cannot pay a pay-at-pick-up reservation', async () => {
    const d = deps();
    const r = pending();
    const asked = payment(r, 'tok_decline');
    await expect(pay(d, asked)).rejects.toMatchObject({ kind: 'PAYMENT_DECLINED' });
    await expect(pay(d, asked)).rejects.toMatchObject({ kind: 'PAYMENT_DECLINED' });
    await expect(pay(d, { ...payment(r), authorises: false })).rejects.toMatchObject({ kind: 'CONFLICT' });
    expect(now(r).status).toBe('Pending');
    await expect(pay(d, payment(r))).resolves.toMatchObject({ status: 201 });
    expect(now(r).status).toBe('Confirmed');
  });

  it('an authorisation that outlived the hold is voided by the relay and answered 409, as a payment refunded for it is', async () => {
    const d = deps();
    const r = pending();
    // The hold lapses while the authorisation is under way: confirm finds it gone.
    const confirm = d.reservations.confirm;
    d.reservations.confirm = async (id) => {
      reservations.set(id, { ...now(r), holdExpiresAt: Date.now() - 1 });
      return confirm(id);
    };
    const asked = payment(r);
    const lapsed = { kind: 'CONFLICT', details: { status: 'Expired' } };
    await expect(pay(d, asked)).rejects.toMatchObject(lapsed);
    await expect(pay(d, asked)).rejects.toMatchObject(lapsed);
    expect(await rows('authorisations', r.reservationId)).toEqual([expect.objectContaining({ kind: 'rental', status: 'voided' })]);
  });

  it('a no-show: paid now, refunded what the policy gives back (no_show, once); paid at pick-up, its fee captured', async () => {
    const d = deps();
    const paidNow = pending({ paymentOption: 'payNow' });
    await pay(d, { ...payment(paidNow), authorises: false });
    const noShow = (r: Reservation) =>
      settleEndedReservation(d, {
        type: 'ReservationNoShow',
        reservation: { ...now(r), status: 'NoShow', refund: { percent: 75, amountMinor: 31_500 }, terms: { noShowFeeMinor: 10_500 } },
      } as Parameters<typeof settleEndedReservation>[1]);
    await noShow(paidNow);
    await noShow(paidNow);
    expect(await rows('refunds', paidNow.reservationId)).toEqual([{ source: 'no_show', amount_minor: 31_500 }]);

    const atPickup = pending();
    await pay(d, payment(atPickup));
    await noShow(atPickup);
    await noShow(atPickup);
    expect(await rows('authorisation_operations', atPickup.reservationId)).toEqual([
      { kind: 'capture', status: 'succeeded', amount_minor: 10_500 },
    ]);
  });

  racing('two agents picking up one reservation at once: one deposit authorisation, one capture of the rental', async () => {
    const d = deps();
    const r = pending();
    await pay(d, payment(r));
    const money = counterMoney(d);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 4 }, (_, i) =>
        money.pickup(now(r), { amountMinor: 20_000, source: card(i % 2 ? 'tok_visa' : 'tok_mastercard') }),
      ),
    );
    expect(outcomes.some((o) => o.status === 'fulfilled')).toBe(true);
    // A loser is told to retry (409), never given a second deposit.
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ kind: 'CONFLICT' });
    const deposits = (await rows('authorisations', r.reservationId)).filter((a) => a.kind === 'deposit' && a.status !== 'failed');
    expect(deposits).toEqual([expect.objectContaining({ status: 'authorised' })]);
    expect(await rows('authorisation_operations', r.reservationId)).toEqual([
      { kind: 'capture', status: 'succeeded', amount_minor: TOTAL },
    ]);
  });

  racing('two returns settling at once: one release of the deposit', async () => {
    const d = deps();
    const r = pending({ paymentOption: 'payNow' });
    await pay(d, { ...payment(r), authorises: false });
    const money = counterMoney(d);
    await money.pickup(now(r), { amountMinor: 20_000, source: card() });
    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, () => money.settleReturn(now(r), 3_000)));
    const settled = outcomes.filter((o) => o.status === 'fulfilled');
    expect(settled.length).toBeGreaterThan(0);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ kind: 'CONFLICT' });
    expect(await rows('authorisation_operations', r.reservationId)).toEqual([
      { kind: 'release', status: 'succeeded', amount_minor: 3_000 },
    ]);
    await expect(money.settleReturn(now(r), 3_000)).resolves.toMatchObject({ chargedNowMinor: 3_000, releasedMinor: 17_000 });
  });

  racing('the same v2 payment sent at once: one authorisation, one answer', async () => {
    const d = deps();
    const r = pending();
    const asked = payment(r);
    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, () => pay(d, asked)));
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ kind: 'CONFLICT' });
    expect(outcomes.some((o) => o.status === 'fulfilled')).toBe(true);
    expect(await rows('authorisations', r.reservationId)).toEqual([expect.objectContaining({ kind: 'rental', status: 'authorised' })]);
    expect(now(r).status).toBe('Confirmed');
  });
});
