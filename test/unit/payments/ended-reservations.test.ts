import { CircuitBreakingRouter } from '../../../lambdas/adapters/payments/gateways/router';
import { SandboxGateway } from '../../../lambdas/adapters/payments/gateways/sandbox-gateway';
import { settleEndedReservation, type EndedDeps, type EndedReservation } from '../../../lambdas/domain/payments/ended';
import { authorise } from '../../../lambdas/domain/payments/holds';
import type { Payment, PaymentStore, Refund } from '../../../lambdas/domain/payments/ports';
import { ShiftedClock } from '../../../lambdas/shared/clock';
import { MemoryHoldStore } from '../../support/memory-hold-store';

// Cancellations and no-shows as payments settles them: a refund of a payment (pay now), a capture or
// void of the rental's authorisation (pay at pick-up). Holds in memory; the payment side is a minimal
// fake keeping refunds by key (the PostgreSQL store: test/integration/counter-money.test.ts).

let ids = 0;
const newId = () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;

/** Just the refund part of the payment store: refunds by key, never more than the payment. */
const refundsOnly = (paid: Payment[]) => {
  const refunds = new Map<string, Refund>();
  const store: Pick<PaymentStore, 'byReservation' | 'beginRefund' | 'finishRefund'> = {
    byReservation: async (id) => ({
      payments: paid.filter((p) => p.reservationId === id).map((p) => ({ ...p })),
      refunds: [...refunds.values()],
    }),
    beginRefund: async (refund, key) => {
      const found = refunds.get(key);
      if (found) return { kind: 'exists', refund: found };
      const payment = paid.find((p) => p.paymentId === refund.paymentId)!;
      if (payment.refundedMinor + refund.amountMinor > payment.amountMinor)
        return { kind: 'exceeds', left: payment.amountMinor - payment.refundedMinor };
      payment.refundedMinor += refund.amountMinor;
      refunds.set(key, refund);
      return { kind: 'started', refund };
    },
    finishRefund: async (refund) => {
      refund.status = 'succeeded';
    },
  };
  return { store: store as PaymentStore, refunds };
};

const setup = () => {
  const paid: Payment[] = [];
  const clock = new ShiftedClock();
  const sandbox = new SandboxGateway({ now: () => clock.now() });
  const holds = new MemoryHoldStore(() => clock.now());
  const payments = refundsOnly(paid);
  const deps: EndedDeps = {
    holds,
    payments: payments.store,
    gateways: new CircuitBreakingRouter([sandbox], { timeoutMs: 500 }),
    clock,
    newId,
  };
  /** A reservation paid in full at the sandbox, as the payment store keeps it. */
  const payFor = async (reservationId: string) => {
    const { reference } = (await sandbox.charge({
      amountMinor: TOTAL,
      currency: 'USD',
      source: { type: 'card_token', token: 'tok_visa' },
      idempotencyKey: newId(),
      description: 'test',
    })) as { reference: string };
    const p = { ...payment(reservationId), gatewayReference: reference };
    paid.push(p);
    return p;
  };
  return { deps, holds, sandbox, refunds: payments.refunds, payFor };
};

const TOTAL = 40_000;

const event = (type: EndedReservation['type'], patch: Partial<EndedReservation['reservation']> = {}): EndedReservation => ({
  type,
  reservation: {
    reservationId: `r-${++ids}`,
    paymentOption: 'payAtPickup',
    price: { totalMinor: TOTAL },
    refund: { amountMinor: 30_000 },
    terms: { noShowFeeMinor: 10_000 },
    ...patch,
  },
});

const authorised = async (deps: EndedDeps, e: EndedReservation, token = 'tok_visa') =>
  authorise(deps, {
    reservation: { reservationId: e.reservation.reservationId, userId: 'u-1' },
    amountMinor: TOTAL,
    kind: 'rental',
    source: { paymentMethod: 'credit_card', details: { cardToken: token } },
    idempotencyKey: 'pay-1',
  });

const payment = (reservationId: string): Payment => ({
  paymentId: newId(),
  reservationId,
  userId: 'u-1',
  amountMinor: TOTAL,
  currency: 'USD',
  method: 'credit_card',
  gateway: 'sandbox',
  gatewayReference: 'ch_1',
  status: 'succeeded',
  refundedMinor: 0,
  createdAt: new Date().toISOString(),
});

describe('cancellations and no-shows, paid at pick-up', () => {
  it('a no-show captures its fee from the rental authorisation, once whatever the deliveries', async () => {
    const { deps, holds } = setup();
    const e = event('ReservationNoShow');
    const hold = await authorised(deps, e);
    const first = await settleEndedReservation(deps, e);
    expect(first).toMatchObject({ keptMinor: 10_000, kept: { kind: 'capture', amountMinor: 10_000, status: 'succeeded' } });
    await expect(settleEndedReservation(deps, e)).resolves.toEqual(first);
    expect(await holds.getAuthorisation(hold.authorisationId)).toMatchObject({ status: 'partially_captured', capturedMinor: 10_000 });
    expect(holds.operations.size).toBe(1);
  });

  it('a no-show without a fee voids the authorisation', async () => {
    const { deps, holds, sandbox } = setup();
    const e = event('ReservationNoShow', { terms: { noShowFeeMinor: 0 }, refund: { amountMinor: TOTAL } });
    const hold = await authorised(deps, e);
    await expect(settleEndedReservation(deps, e)).resolves.toMatchObject({ keptMinor: 0, kept: { kind: 'void' } });
    await settleEndedReservation(deps, e);
    expect(await holds.getAuthorisation(hold.authorisationId)).toMatchObject({ status: 'voided' });
    expect(sandbox.holdState(hold.gatewayReference!)).toBe('voided');
    expect(holds.operations.size).toBe(1);
  });

  it('a confirmed reservation cancelled captures the total less the refund, or voids when all is given back', async () => {
    const { deps, holds } = setup();
    const late = event('ReservationCancelled', { refund: { amountMinor: 30_000 } });
    const early = event('ReservationCancelled', { refund: { amountMinor: TOTAL } });
    const a = await authorised(deps, late);
    const b = await authorised(deps, early);
    await expect(settleEndedReservation(deps, late)).resolves.toMatchObject({ keptMinor: 10_000 });
    await expect(settleEndedReservation(deps, early)).resolves.toMatchObject({ keptMinor: 0, kept: { kind: 'void' } });
    expect(await holds.getAuthorisation(a.authorisationId)).toMatchObject({ capturedMinor: 10_000 });
    expect(await holds.getAuthorisation(b.authorisationId)).toMatchObject({ status: 'voided' });
  });

  it('a cancellation before confirmation (no refund) is left to the relay; a reservation with no authorisation is a no-op', async () => {
    const { deps, holds } = setup();
    const unconfirmed = event('ReservationCancelled', { refund: undefined });
    const hold = await authorised(deps, unconfirmed);
    await expect(settleEndedReservation(deps, unconfirmed)).resolves.toEqual({ kept: undefined, keptMinor: 0 });
    expect(await holds.getAuthorisation(hold.authorisationId)).toMatchObject({ status: 'authorised' });
    await expect(settleEndedReservation(deps, event('ReservationNoShow'))).resolves.toEqual({ kept: undefined, keptMinor: 0 });
  });

  it('a fee the card refuses releases the hold (logged), and a redelivery does the same', async () => {
    const { deps, holds } = setup();
    const e = event('ReservationNoShow');
    const hold = await authorised(deps, e, 'tok_capture_fail');
    await expect(settleEndedReservation(deps, e)).resolves.toEqual({ kept: undefined, keptMinor: 0 });
    await expect(settleEndedReservation(deps, e)).resolves.toEqual({ kept: undefined, keptMinor: 0 });
    expect(await holds.getAuthorisation(hold.authorisationId)).toMatchObject({ status: 'voided' });
    expect([...holds.operations.values()].map((o) => [o.kind, o.status])).toEqual([
      ['capture', 'refused'],
      ['void', 'succeeded'],
    ]);
  });
});

describe('cancellations and no-shows, paid now', () => {
  it('a no-show refunds what the policy gives back, once, as a no_show refund of its own key', async () => {
    const e = event('ReservationNoShow', { paymentOption: 'payNow' });
    const { deps, refunds, payFor } = setup();
    const paid = await payFor(e.reservation.reservationId);
    const first = await settleEndedReservation(deps, e);
    expect(first).toMatchObject({ refund: { amountMinor: 30_000, source: 'no_show', reason: 'No-show' } });
    await settleEndedReservation(deps, e);
    expect([...refunds.keys()]).toEqual([`noshow:${e.reservation.reservationId}`]);
    expect(paid.refundedMinor).toBe(30_000);
  });

  it('a cancellation refunds as before (cancel:<id>); nothing given back, nothing refunded', async () => {
    const e = event('ReservationCancelled', { paymentOption: undefined });
    const none = event('ReservationNoShow', { paymentOption: 'payNow', refund: { amountMinor: 0 } });
    const { deps, refunds, payFor } = setup();
    await payFor(e.reservation.reservationId);
    await payFor(none.reservation.reservationId);
    await expect(settleEndedReservation(deps, e)).resolves.toMatchObject({ refund: { source: 'cancellation', amountMinor: 30_000 } });
    await expect(settleEndedReservation(deps, none)).resolves.toEqual({});
    expect([...refunds.keys()]).toEqual([`cancel:${e.reservation.reservationId}`]);
  });
});
