import { CircuitBreakingRouter } from '../../../lambdas/adapters/payments/gateways/router';
import { SandboxGateway } from '../../../lambdas/adapters/payments/gateways/sandbox-gateway';
import type { HoldDeps } from '../../../lambdas/domain/payments/hold-ports';
import { authorise, capture, releaseDeposit, voidAuthorisation, type AuthoriseOrder } from '../../../lambdas/domain/payments/holds';
import { reconcileHolds, RECONCILE_AFTER_MS } from '../../../lambdas/domain/payments/reconcile';
import { ShiftedClock } from '../../../lambdas/shared/clock';
import { MemoryHoldStore } from '../../support/memory-hold-store';

// The hold use cases with the sandbox gateway and the store's rules in memory (the PostgreSQL store,
// races included, is tested in test/integration/payment-holds.test.ts).

let ids = 0;
const setup = (options: ConstructorParameters<typeof SandboxGateway>[0] = {}) => {
  const clock = new ShiftedClock();
  const sandbox = new SandboxGateway({ now: () => clock.now(), ...options });
  const holds = new MemoryHoldStore(() => clock.now());
  const deps: HoldDeps = {
    holds,
    gateways: new CircuitBreakingRouter([sandbox], { timeoutMs: 500 }),
    clock,
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  };
  return { deps, sandbox, holds, clock };
};

const order = (overrides: Partial<AuthoriseOrder> = {}, cardToken = 'tok_visa'): AuthoriseOrder => ({
  reservation: { reservationId: 'r-1', userId: 'u-1' },
  amountMinor: 25_000,
  kind: 'deposit',
  source: { paymentMethod: 'credit_card', details: { cardToken } },
  idempotencyKey: 'pickup-1:deposit',
  ...overrides,
});

describe('holds', () => {
  it('refuses a card number, an unknown method, a non-positive amount and a malformed currency before anything is stored', async () => {
    const { deps, holds } = setup();
    await expect(
      authorise(deps, order({ source: { paymentMethod: 'credit_card', details: { cardToken: '4242424242424242' } } })),
    ).rejects.toMatchObject({
      kind: 'VALIDATION',
    });
    await expect(authorise(deps, order({ source: { paymentMethod: 'cheque', details: {} } }))).rejects.toMatchObject({
      kind: 'VALIDATION',
      details: { fields: [{ field: 'body.paymentMethod' }] },
    });
    await expect(authorise(deps, order({ amountMinor: 0 }))).rejects.toMatchObject({ kind: 'VALIDATION' });
    await expect(authorise(deps, order({ amountMinor: 10.5 }))).rejects.toMatchObject({ kind: 'VALIDATION' });
    await expect(authorise(deps, order({ currency: 'usd' }))).rejects.toMatchObject({ kind: 'VALIDATION' });
    expect(holds.authorisations.size).toBe(0);
  });

  it('authorises in another ISO 4217 currency than USD', async () => {
    const { deps } = setup();
    await expect(authorise(deps, order({ currency: 'EUR' }))).resolves.toMatchObject({ currency: 'EUR', status: 'authorised' });
  });

  it('a whole rental: the rental hold captured at pick-up, the deposit partly captured at return; one event per step', async () => {
    const { deps, sandbox, holds, clock } = setup();
    const rental = await authorise(deps, order({ kind: 'rental', amountMinor: 42_000, idempotencyKey: 'book-1' }));
    // Seven days from now, on the clock the sandbox was given (a few ms pass between the two readings).
    expect(clock.now().getTime() + 7 * 86_400_000 - Date.parse(rental.expiresAt!)).toBeLessThan(1_000);
    const deposit = await authorise(deps, order());
    const taken = await capture(deps, rental.authorisationId, 'pickup-1');
    expect(taken.authorisation).toMatchObject({ status: 'captured', capturedMinor: 42_000 });
    const returned = await releaseDeposit(deps, deposit.authorisationId, 'return-1', 3_250);
    expect(returned.authorisation).toMatchObject({ status: 'partially_captured', capturedMinor: 3_250 });
    // The captured money refunds like a charge.
    expect(sandbox.refundable(returned.operation!.gatewayReference!)).toBe(3_250);
    expect(holds.events.map((e) => e.type)).toEqual(['HoldAuthorised', 'HoldAuthorised', 'HoldCaptured', 'HoldCaptured']);
  });

  it("keys: a retry replays; the same key for another amount is refused; keys are per hold (one hold's key does not answer another's)", async () => {
    const { deps } = setup();
    const a = await authorise(deps, order());
    const b = await authorise(deps, order({ reservation: { reservationId: 'r-2', userId: 'u-1' } }));
    const first = await capture(deps, a.authorisationId, 'k', 1_000);
    await expect(capture(deps, a.authorisationId, 'k', 1_000)).resolves.toEqual(first);
    await expect(capture(deps, a.authorisationId, 'k', 2_000)).rejects.toMatchObject({ kind: 'IDEMPOTENCY_MISMATCH' });
    await expect(voidAuthorisation(deps, a.authorisationId, 'k')).rejects.toMatchObject({ kind: 'IDEMPOTENCY_MISMATCH' });
    await expect(capture(deps, b.authorisationId, 'k', 1_000)).resolves.toMatchObject({
      authorisation: { authorisationId: b.authorisationId },
    });
    await expect(capture(deps, 'no-such-hold', 'k')).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });

  it('a void is refused once money was taken; a release of a lapsed hold is fine', async () => {
    const { deps } = setup();
    const taken = await authorise(deps, order());
    await capture(deps, taken.authorisationId, 'c');
    await expect(voidAuthorisation(deps, taken.authorisationId, 'v')).rejects.toMatchObject({
      kind: 'CONFLICT',
      details: { status: 'captured' },
    });
    const lapsed = await authorise(deps, order({ reservation: { reservationId: 'r-2', userId: 'u-1' } }, 'tok_auth_expired'));
    await expect(voidAuthorisation(deps, lapsed.authorisationId, 'v')).resolves.toMatchObject({ authorisation: { status: 'expired' } });
    await expect(releaseDeposit(deps, lapsed.authorisationId, 'r')).resolves.toMatchObject({ authorisation: { status: 'expired' } });
  });

  it('a capture refused by the gateway is replayed as refused and leaves the hold to release', async () => {
    const { deps, sandbox } = setup();
    const hold = await authorise(deps, order({}, 'tok_capture_fail'));
    const refused = { kind: 'PAYMENT_DECLINED', code: 'CAPTURE_FAILED' };
    await expect(capture(deps, hold.authorisationId, 'c')).rejects.toMatchObject(refused);
    await expect(capture(deps, hold.authorisationId, 'c')).rejects.toMatchObject(refused);
    await expect(releaseDeposit(deps, hold.authorisationId, 'r')).resolves.toMatchObject({ authorisation: { status: 'voided' } });
    expect(sandbox.holdState(hold.gatewayReference!)).toBe('voided');
  });

  it('the reconciler retries a failed release as a new attempt (a new gateway key), never a failed capture', async () => {
    let down = false;
    const { deps, holds, clock } = setup({ failWhen: (request) => down && 'reference' in request });
    const deposit = await authorise(deps, order());
    const rental = await authorise(deps, order({ kind: 'rental', idempotencyKey: 'book-1' }));
    down = true;
    await expect(releaseDeposit(deps, deposit.authorisationId, 'r')).rejects.toMatchObject({ kind: 'DEPENDENCY_UNAVAILABLE' });
    await expect(capture(deps, rental.authorisationId, 'c')).rejects.toMatchObject({ kind: 'DEPENDENCY_UNAVAILABLE' });
    down = false;
    expect(await reconcileHolds(deps)).toEqual({ settled: 0, failed: 0, left: 0 }); // too recent
    clock.advance(RECONCILE_AFTER_MS + 1);
    expect(await reconcileHolds(deps)).toEqual({ settled: 1, failed: 0, left: 0 });
    const ops = [...holds.operations.values()];
    expect(ops.find((o) => o.kind === 'release')).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(ops.find((o) => o.kind === 'capture')).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await holds.getAuthorisation(deposit.authorisationId))!.status).toBe('voided');
    // The caller's retry of the capture goes on: one more attempt of the same operation.
    await expect(capture(deps, rental.authorisationId, 'c')).resolves.toMatchObject({ operation: { attempts: 2, status: 'succeeded' } });
  });

  it('an authorisation a crash left processing is marked failed; the retry with its key holds under the same gateway key', async () => {
    const { deps, holds, clock } = setup();
    const o = order();
    const begun = await holds.beginAuthorisation(
      {
        authorisationId: 'crashed',
        reservationId: o.reservation.reservationId,
        userId: o.reservation.userId,
        kind: o.kind,
        amountMinor: o.amountMinor,
        capturedMinor: 0,
        currency: 'USD',
        method: 'credit_card',
        status: 'processing',
        createdAt: clock.now().toISOString(),
      },
      o.idempotencyKey,
    );
    expect(begun.kind).toBe('started');
    clock.advance(RECONCILE_AFTER_MS + 1);
    expect(await reconcileHolds(deps)).toMatchObject({ failed: 1 });
    await expect(authorise(deps, o)).resolves.toMatchObject({ authorisationId: 'crashed', status: 'authorised' });
  });
});
