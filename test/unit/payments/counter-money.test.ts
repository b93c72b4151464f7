import { CircuitBreakingRouter } from '../../../lambdas/adapters/payments/gateways/router';
import { SandboxGateway } from '../../../lambdas/adapters/payments/gateways/sandbox-gateway';
import type { Reservation } from '../../../lambdas/domain/bookings/reservation';
import { counterMoney, type CounterMoneyDeps } from '../../../lambdas/domain/payments/counter-money';
import { authorise } from '../../../lambdas/domain/payments/holds';
import type { Payment } from '../../../lambdas/domain/payments/ports';
import { reservationMoney } from '../../../lambdas/domain/payments/queries';
import { reconcileHolds, RECONCILE_AFTER_MS } from '../../../lambdas/domain/payments/reconcile';
import { presentHold } from '../../../lambdas/handlers/payments/presenter';
import { ShiftedClock } from '../../../lambdas/shared/clock';
import { MemoryHoldStore } from '../../support/memory-hold-store';

// The counter's money (pick-up deposit, pay-at-pick-up capture, the return's settlement) on the holds,
// with the sandbox gateway and the hold store's rules in memory. On PostgreSQL, races included:
// test/integration/counter-money.test.ts.

let ids = 0;
const setup = (options: ConstructorParameters<typeof SandboxGateway>[0] = {}, paid: Payment[] = []) => {
  const clock = new ShiftedClock();
  const sandbox = new SandboxGateway({ now: () => clock.now(), ...options });
  const holds = new MemoryHoldStore(() => clock.now());
  const deps: CounterMoneyDeps = {
    holds,
    payments: { byReservation: async (id) => ({ payments: paid.filter((p) => p.reservationId === id), refunds: [] }) },
    gateways: new CircuitBreakingRouter([sandbox], { timeoutMs: 500 }),
    clock,
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  };
  return { deps, money: counterMoney(deps), sandbox, holds, clock };
};

const reservation = (patch: Partial<Reservation> = {}): Reservation => ({
  reservationId: `r-${++ids}`,
  userId: 'u-1',
  carId: 'c-1',
  startDate: '2030-03-10',
  endDate: '2030-03-12',
  status: 'Confirmed',
  price: { currency: 'USD', dailyMinor: 21_000, days: 2, totalMinor: 42_000 },
  car: { make: 'Kia', model: 'Rio', year: 2023, type: 'COMPACT', location: 'BOS' },
  paymentOption: 'payNow',
  createdAt: '2030-03-01T00:00:00.000Z',
  updatedAt: '2030-03-01T00:00:00.000Z',
  ...patch,
});

const card = (cardToken = 'tok_visa') => ({ paymentMethod: 'credit_card', details: { cardToken } });

/** A pay-at-pick-up reservation whose total is authorised (as its v2 payment does), on `token`. */
const payAtPickup = async (deps: CounterMoneyDeps, token = 'tok_visa') => {
  const r = reservation({ paymentOption: 'payAtPickup' });
  await authorise(deps, {
    reservation: r,
    amountMinor: r.price.totalMinor,
    kind: 'rental',
    source: card(token),
    idempotencyKey: 'pay-1',
  });
  return r;
};

const paidNow = (r: Reservation, refundedMinor = 0): Payment => ({
  paymentId: `p-${r.reservationId}`,
  reservationId: r.reservationId,
  userId: r.userId,
  amountMinor: r.price.totalMinor,
  currency: 'USD',
  method: 'credit_card',
  status: 'succeeded',
  refundedMinor,
  createdAt: r.createdAt,
});

describe('counter money', () => {
  it('pick-up of a pay-now rental authorises the deposit once; a retry (any card) replays it', async () => {
    const { money, holds, sandbox } = setup();
    const r = reservation();
    const first = await money.pickup(r, { amountMinor: 20_000, source: card() });
    expect(first.depositAuthorisationId).toBeDefined();
    await expect(money.pickup(r, { amountMinor: 20_000, source: card() })).resolves.toEqual(first);
    await expect(money.pickup(r, { amountMinor: 20_000, source: card('tok_mastercard') })).resolves.toEqual(first);
    const held = await holds.authorisationsOf(r.reservationId);
    expect(held).toEqual([expect.objectContaining({ kind: 'deposit', status: 'authorised', amountMinor: 20_000 })]);
    expect(sandbox.holdState(held[0].gatewayReference!)).toBe('authorised');
  });

  it('no deposit when its amount is 0; an amount without a source is a validation error on body.deposit', async () => {
    const { money, holds } = setup();
    const r = reservation();
    await expect(money.pickup(r, { amountMinor: 0 })).resolves.toEqual({});
    await expect(money.pickup(r, { amountMinor: 5_000 })).rejects.toMatchObject({
      kind: 'VALIDATION',
      details: { fields: [{ field: 'body.deposit' }] },
    });
    expect(holds.authorisations.size).toBe(0);
  });

  it('a declined deposit replays its decline on that card; another card may follow', async () => {
    const { money, holds } = setup();
    const r = reservation();
    const declined = { kind: 'PAYMENT_DECLINED', code: 'AUTHORISATION_DECLINED' };
    await expect(money.pickup(r, { amountMinor: 20_000, source: card('tok_decline') })).rejects.toMatchObject(declined);
    await expect(money.pickup(r, { amountMinor: 20_000, source: card('tok_decline') })).rejects.toMatchObject(declined);
    await expect(money.pickup(r, { amountMinor: 20_000, source: card() })).resolves.toHaveProperty('depositAuthorisationId');
    expect((await holds.authorisationsOf(r.reservationId)).map((a) => a.status)).toEqual(['declined', 'authorised']);
  });

  it('pay at pick-up: the rental hold is captured in full; a retry replays the capture', async () => {
    const { money, deps, holds } = setup();
    const r = await payAtPickup(deps);
    const first = await money.pickup(r, { amountMinor: 20_000, source: card() });
    await expect(money.pickup(r, { amountMinor: 20_000, source: card() })).resolves.toEqual(first);
    const rental = (await holds.authorisationsOf(r.reservationId)).find((a) => a.kind === 'rental')!;
    expect(rental).toMatchObject({ status: 'captured', capturedMinor: 42_000 });
    expect([...holds.operations.values()]).toHaveLength(1);
  });

  it('pay at pick-up: a refused capture voids the deposit and is 422 CAPTURE_FAILED, the same on a retry', async () => {
    const { money, deps, holds, sandbox } = setup();
    const r = await payAtPickup(deps, 'tok_capture_fail');
    const refused = { kind: 'PAYMENT_DECLINED', code: 'CAPTURE_FAILED' };
    await expect(money.pickup(r, { amountMinor: 20_000, source: card() })).rejects.toMatchObject(refused);
    await expect(money.pickup(r, { amountMinor: 20_000, source: card() })).rejects.toMatchObject(refused);
    const deposit = (await holds.authorisationsOf(r.reservationId)).find((a) => a.kind === 'deposit')!;
    expect(deposit.status).toBe('voided');
    expect(sandbox.holdState(deposit.gatewayReference!)).toBe('voided');
    // One deposit authorisation, one void of it, one refused capture attempt.
    expect([...holds.operations.values()].map((o) => [o.kind, o.status])).toEqual([
      ['capture', 'refused'],
      ['void', 'succeeded'],
    ]);
  });

  it('pay at pick-up: a lapsed rental hold is 422 AUTHORISATION_EXPIRED and leaves no deposit', async () => {
    const { money, deps, holds } = setup();
    const r = await payAtPickup(deps, 'tok_auth_expired');
    await expect(money.pickup(r, { amountMinor: 20_000, source: card() })).rejects.toMatchObject({ code: 'AUTHORISATION_EXPIRED' });
    expect((await holds.authorisationsOf(r.reservationId)).find((a) => a.kind === 'deposit')!.status).toBe('voided');
  });

  it('undoPickup voids the deposit, but not the deposit of a reservation another agent made Active', async () => {
    const { money, holds } = setup();
    const r = reservation();
    await money.pickup(r, { amountMinor: 20_000, source: card() });
    await money.undoPickup({ ...r, status: 'Active' });
    expect((await holds.authorisationsOf(r.reservationId))[0].status).toBe('authorised');
    await money.undoPickup({ ...r, status: 'Cancelled' });
    await money.undoPickup({ ...r, status: 'Cancelled' });
    expect((await holds.authorisationsOf(r.reservationId))[0].status).toBe('voided');
    // That card's deposit for this pick-up is gone: a new pick-up must take another card.
    await expect(money.pickup(r, { amountMinor: 20_000, source: card() })).rejects.toMatchObject({ kind: 'CONFLICT' });
  });

  it('settleReturn: charges within the deposit are taken from it, the rest released; a replay answers the same', async () => {
    const r = reservation();
    const { money, holds, sandbox } = setup({}, [paidNow(r, 2_000)]);
    await money.pickup(r, { amountMinor: 20_000, source: card() });
    const settlement = await money.settleReturn(r, 7_500);
    expect(settlement).toEqual({
      paidMinor: 40_000,
      chargesMinor: 7_500,
      chargedNowMinor: 7_500,
      releasedMinor: 12_500,
      outstandingMinor: 0,
    });
    await expect(money.settleReturn(r, 7_500)).resolves.toEqual(settlement);
    const deposit = (await holds.authorisationsOf(r.reservationId))[0];
    expect(deposit).toMatchObject({ status: 'partially_captured', capturedMinor: 7_500 });
    const release = [...holds.operations.values()].find((o) => o.kind === 'release')!;
    expect(sandbox.refundable(release.gatewayReference!)).toBe(7_500);
    expect([...holds.operations.values()]).toHaveLength(1);
  });

  it('settleReturn: charges above the deposit take all of it and the rest is outstanding; no charges release it whole', async () => {
    const a = reservation();
    const b = reservation();
    const { money } = setup({}, [paidNow(a), paidNow(b)]);
    await money.pickup(a, { amountMinor: 20_000, source: card() });
    await money.pickup(b, { amountMinor: 20_000, source: card() });
    await expect(money.settleReturn(a, 26_000)).resolves.toEqual({
      paidMinor: 42_000,
      chargesMinor: 26_000,
      chargedNowMinor: 20_000,
      releasedMinor: 0,
      outstandingMinor: 6_000,
    });
    await expect(money.settleReturn(b, 0)).resolves.toMatchObject({ chargedNowMinor: 0, releasedMinor: 20_000, outstandingMinor: 0 });
  });

  it('settleReturn of a pay-at-pick-up rental says the captured rental as paid; without a deposit everything is outstanding', async () => {
    const { money, deps } = setup();
    const r = await payAtPickup(deps);
    await money.pickup(r, { amountMinor: 0 });
    await expect(money.settleReturn(r, 3_000)).resolves.toEqual({
      paidMinor: 42_000,
      chargesMinor: 3_000,
      chargedNowMinor: 0,
      releasedMinor: 0,
      outstandingMinor: 3_000,
    });
  });

  it('settleReturn: a refused capture of the charges releases the deposit whole and leaves the charges owed', async () => {
    const { money, holds } = setup();
    const r = reservation();
    await money.pickup(r, { amountMinor: 20_000, source: card('tok_capture_fail') });
    const settlement = await money.settleReturn(r, 5_000);
    expect(settlement).toMatchObject({ chargedNowMinor: 0, releasedMinor: 20_000, outstandingMinor: 5_000 });
    await expect(money.settleReturn(r, 5_000)).resolves.toEqual(settlement);
    expect((await holds.authorisationsOf(r.reservationId))[0].status).toBe('voided');
  });

  it('settleReturn: a release the gateway cannot take now still settles (as recorded); the reconciler carries it out once', async () => {
    let down = false;
    const { money, holds, clock, deps, sandbox } = setup({ failWhen: (request) => down && 'reference' in request });
    const r = reservation();
    await money.pickup(r, { amountMinor: 20_000, source: card() });
    down = true;
    const settlement = await money.settleReturn(r, 4_000);
    expect(settlement).toMatchObject({ chargedNowMinor: 4_000, releasedMinor: 16_000, outstandingMinor: 0 });
    const deposit = (await holds.authorisationsOf(r.reservationId))[0];
    expect(deposit.status).toBe('authorised');
    down = false;
    clock.advance(RECONCILE_AFTER_MS + 1);
    expect(await reconcileHolds(deps)).toMatchObject({ settled: 1 });
    expect(await holds.getAuthorisation(deposit.authorisationId)).toMatchObject({ status: 'partially_captured', capturedMinor: 4_000 });
    expect(sandbox.holdState(deposit.gatewayReference!)).toBeDefined();
    // The return's replay now finds the release done: the same settlement.
    await expect(money.settleReturn(r, 4_000)).resolves.toEqual(settlement);
    expect([...holds.operations.values()]).toHaveLength(1);
  });
});

describe('the holds in the reservation’s payments (v2)', () => {
  it('a pay-at-pick-up hold captured at pick-up and a deposit partly captured at the return, each with its operation', async () => {
    const { money, deps, holds } = setup();
    const r = await payAtPickup(deps);
    await money.pickup(r, { amountMinor: 20_000, source: card() });
    await money.settleReturn(r, 4_000);
    const listing = await reservationMoney(
      { ...deps, holds, reservations: { get: async () => r } },
      { userId: r.userId, isAdmin: false },
      r.reservationId,
    );
    expect(listing.holds.map(presentHold)).toEqual([
      expect.objectContaining({
        kind: 'payAtPickup',
        status: 'Captured',
        amount: 420,
        captured: 420,
        currency: 'USD',
        operations: [expect.objectContaining({ kind: 'capture', amount: 420, status: 'Succeeded' })],
      }),
      expect.objectContaining({
        kind: 'deposit',
        status: 'PartiallyCaptured',
        amount: 200,
        captured: 40,
        operations: [expect.objectContaining({ kind: 'release', amount: 40, status: 'Succeeded' })],
      }),
    ]);
    // Another customer's reservation is not found.
    await expect(
      reservationMoney(
        { ...deps, holds, reservations: { get: async () => r } },
        { userId: 'someone-else', isAdmin: false },
        r.reservationId,
      ),
    ).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });
});
