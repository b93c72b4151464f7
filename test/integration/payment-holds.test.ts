import { randomUUID } from 'node:crypto';
import { CircuitBreakingRouter } from '../../lambdas/adapters/payments/gateways/router';
import { SandboxGateway } from '../../lambdas/adapters/payments/gateways/sandbox-gateway';
import { PostgresHoldStore } from '../../lambdas/adapters/payments/postgres-hold-store';
import type { HoldDeps, HoldKind } from '../../lambdas/domain/payments/hold-ports';
import { authorise, capture, releaseDeposit, voidAuthorisation } from '../../lambdas/domain/payments/holds';
import { reconcileHolds, RECONCILE_AFTER_MS } from '../../lambdas/domain/payments/reconcile';
import { ShiftedClock } from '../../lambdas/shared/clock';
import { startPaymentsDatabase, type PaymentsTestDatabase } from '../support/payments-database';

// Holds (pay at pick-up, deposits) on PostgreSQL: the real server of DATABASE_URL (a schema of its own),
// PGlite otherwise, with the sandbox gateway behind the router. Races need real concurrency: PostgreSQL only.
const onPostgres = Boolean(process.env.DATABASE_URL);
const racing = (name: string, fn: () => Promise<void>) =>
  onPostgres ? it(name, fn) : it.skip(`${name} (skipped: needs the real PostgreSQL of DATABASE_URL; PGlite runs one query at a time)`, fn);

let db: PaymentsTestDatabase;
const clock = new ShiftedClock();

const deps = (sandbox = new SandboxGateway()): HoldDeps & { sandbox: SandboxGateway } => ({
  holds: new PostgresHoldStore(async () => db.pool()),
  gateways: new CircuitBreakingRouter([sandbox], { timeoutMs: 2_000 }),
  clock,
  newId: () => randomUUID(),
  sandbox,
});

const reservation = () => ({ reservationId: randomUUID(), userId: randomUUID() });

const order = (r = reservation(), cardToken = 'tok_visa', kind: HoldKind = 'deposit', amountMinor = 30_000) => ({
  reservation: r,
  amountMinor,
  kind,
  source: { paymentMethod: 'credit_card', details: { cardToken } },
  idempotencyKey: randomUUID(),
});

const events = async (authorisationId: string) =>
  (await db.pool().query(`SELECT event_type FROM outbox WHERE payload->>'authorisationId' = $1 ORDER BY id`, [authorisationId])).rows.map(
    (r) => r.event_type,
  );

beforeAll(async () => {
  db = await startPaymentsDatabase();
}, 90_000);

afterAll(async () => {
  await db?.stop();
});

describe(`holds on ${onPostgres ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('authorises once per key, one live hold per reservation and kind; a retry replays; the same key for another amount is refused', async () => {
    const d = deps();
    const o = order();
    const held = await authorise(d, o);
    expect(held).toMatchObject({
      status: 'authorised',
      amountMinor: 30_000,
      capturedMinor: 0,
      currency: 'USD',
      gateway: 'sandbox',
      kind: 'deposit',
    });
    expect(Date.parse(held.expiresAt!)).toBeGreaterThan(clock.now().getTime() + 6 * 86_400_000);
    await expect(authorise(d, o)).resolves.toEqual(held);
    await expect(authorise(d, { ...o, amountMinor: 1 })).rejects.toMatchObject({ kind: 'IDEMPOTENCY_MISMATCH' });
    await expect(authorise(d, { ...o, idempotencyKey: randomUUID() })).rejects.toMatchObject({
      kind: 'CONFLICT',
      details: { authorisationId: held.authorisationId },
    });
    // The rental hold of the same reservation is another kind.
    await expect(authorise(d, order(o.reservation, 'tok_visa', 'rental', 12_000))).resolves.toMatchObject({ status: 'authorised' });
    expect(await d.holds.authorisationsOf(o.reservation.reservationId)).toHaveLength(2);
    expect(await events(held.authorisationId)).toEqual(['HoldAuthorised']);
  });

  it('lists a reservation’s operations (captures, voids, releases) oldest first, and no other reservation’s', async () => {
    const d = deps();
    const r = reservation();
    const rental = await authorise(d, order(r, 'tok_visa', 'rental', 12_000));
    const deposit = await authorise(d, order(r, 'tok_visa', 'deposit', 30_000));
    const other = await authorise(d, order());
    await capture(d, rental.authorisationId, randomUUID());
    clock.advance(1_000);
    await releaseDeposit(d, deposit.authorisationId, randomUUID(), 4_500);
    await voidAuthorisation(d, other.authorisationId, randomUUID());
    const operations = await d.holds.operationsOf(r.reservationId);
    expect(operations.map((o) => [o.authorisationId, o.kind, o.amountMinor, o.status])).toEqual([
      [rental.authorisationId, 'capture', 12_000, 'succeeded'],
      [deposit.authorisationId, 'release', 4_500, 'succeeded'],
    ]);
    expect(await d.holds.operationsOf(randomUUID())).toEqual([]);
  });

  it('a declined authorisation is 422 AUTHORISATION_DECLINED, replayed as such, and holds nothing: another card may follow', async () => {
    const d = deps();
    const o = order(reservation(), 'tok_decline');
    const declined = { kind: 'PAYMENT_DECLINED', code: 'AUTHORISATION_DECLINED', details: { reason: 'Your card was declined.' } };
    await expect(authorise(d, o)).rejects.toMatchObject(declined);
    await expect(authorise(d, o)).rejects.toMatchObject(declined);
    await expect(authorise(d, order(o.reservation))).resolves.toMatchObject({ status: 'authorised' });
  });

  it('gateways down: 503 and `failed`; the retry with the same key goes on under the same id', async () => {
    let down = true;
    const d = deps(new SandboxGateway({ failWhen: () => down }));
    const o = order();
    await expect(authorise(d, o)).rejects.toMatchObject({ kind: 'DEPENDENCY_UNAVAILABLE' });
    const [failed] = await d.holds.authorisationsOf(o.reservation.reservationId);
    expect(failed.status).toBe('failed');
    down = false;
    await expect(authorise(d, o)).resolves.toMatchObject({ authorisationId: failed.authorisationId, status: 'authorised' });
  });

  it('captures part of a hold once: the rest released, a retry replays, any other capture, void or release is 409', async () => {
    const d = deps();
    const held = await authorise(d, order(reservation(), 'tok_visa', 'rental', 12_000));
    const key = randomUUID();
    const done = await capture(d, held.authorisationId, key, 10_000);
    expect(done.authorisation).toMatchObject({ status: 'partially_captured', capturedMinor: 10_000 });
    expect(done.operation).toMatchObject({
      kind: 'capture',
      status: 'succeeded',
      gatewayReference: expect.stringMatching(/^sbx_ch_10000_/),
    });
    await expect(capture(d, held.authorisationId, key, 10_000)).resolves.toEqual(done);
    await expect(capture(d, held.authorisationId, key, 9_000)).rejects.toMatchObject({ kind: 'IDEMPOTENCY_MISMATCH' });
    await expect(capture(d, held.authorisationId, randomUUID(), 1)).rejects.toMatchObject({
      kind: 'CONFLICT',
      details: { status: 'partially_captured' },
    });
    await expect(voidAuthorisation(d, held.authorisationId, randomUUID())).rejects.toMatchObject({ kind: 'CONFLICT' });
    await expect(releaseDeposit(d, held.authorisationId, randomUUID())).rejects.toMatchObject({ kind: 'CONFLICT' });
    await expect(capture(d, held.authorisationId, randomUUID(), 12_001)).rejects.toMatchObject({ kind: 'VALIDATION' });
    expect(d.sandbox.holdState(held.gatewayReference!)).toBe('captured');
    expect(await events(held.authorisationId)).toEqual(['HoldAuthorised', 'HoldCaptured']);
    // All of it, on another hold: `captured`.
    const whole = await authorise(d, order());
    await expect(capture(d, whole.authorisationId, randomUUID())).resolves.toMatchObject({
      authorisation: { status: 'captured', capturedMinor: 30_000 },
    });
  });

  it('a deposit is released with part captured for the return, or with nothing; a void or release of a voided hold answers it as it is', async () => {
    const d = deps();
    const charged = await authorise(d, order());
    await expect(releaseDeposit(d, charged.authorisationId, randomUUID(), 4_500)).resolves.toMatchObject({
      authorisation: { status: 'partially_captured', capturedMinor: 4_500 },
      operation: { kind: 'release', amountMinor: 4_500, status: 'succeeded' },
    });
    const untouched = await authorise(d, order());
    const released = await releaseDeposit(d, untouched.authorisationId, randomUUID());
    expect(released.authorisation).toMatchObject({ status: 'voided', capturedMinor: 0 });
    expect(d.sandbox.holdState(untouched.gatewayReference!)).toBe('voided');
    await expect(voidAuthorisation(d, untouched.authorisationId, randomUUID())).resolves.toEqual(released);
    await expect(releaseDeposit(d, untouched.authorisationId, randomUUID())).resolves.toEqual(released);
    await expect(capture(d, untouched.authorisationId, randomUUID())).rejects.toMatchObject({
      kind: 'CONFLICT',
      details: { status: 'voided' },
    });
    expect(await events(untouched.authorisationId)).toEqual(['HoldAuthorised', 'HoldVoided']);
  });

  it('tok_capture_fail: 422 CAPTURE_FAILED and the hold stays, to be released; tok_auth_expired: 422 AUTHORISATION_EXPIRED, nothing held', async () => {
    const d = deps();
    const failing = await authorise(d, order(reservation(), 'tok_capture_fail'));
    await expect(releaseDeposit(d, failing.authorisationId, randomUUID(), 2_000)).rejects.toMatchObject({
      kind: 'PAYMENT_DECLINED',
      code: 'CAPTURE_FAILED',
    });
    expect(await d.holds.getAuthorisation(failing.authorisationId)).toMatchObject({ status: 'authorised', capturedMinor: 0 });
    await expect(releaseDeposit(d, failing.authorisationId, randomUUID())).resolves.toMatchObject({ authorisation: { status: 'voided' } });

    const lapsed = await authorise(d, order(reservation(), 'tok_auth_expired'));
    await expect(capture(d, lapsed.authorisationId, randomUUID())).rejects.toMatchObject({ code: 'AUTHORISATION_EXPIRED' });
    expect(await d.holds.getAuthorisation(lapsed.authorisationId)).toMatchObject({ status: 'expired', capturedMinor: 0 });
    await expect(releaseDeposit(d, lapsed.authorisationId, randomUUID())).resolves.toMatchObject({ authorisation: { status: 'expired' } });
    expect(await events(lapsed.authorisationId)).toEqual(['HoldAuthorised', 'HoldExpired']);
  });

  it('a release that met an outage (503) is retried by the reconciler until the hold is released; one left processing too', async () => {
    let down = false;
    const d = deps(new SandboxGateway({ failWhen: (request) => down && 'reference' in request }));
    const held = await authorise(d, order());
    down = true;
    await expect(releaseDeposit(d, held.authorisationId, randomUUID())).rejects.toMatchObject({ kind: 'DEPENDENCY_UNAVAILABLE' });
    expect(await d.holds.getAuthorisation(held.authorisationId)).toMatchObject({ status: 'authorised' });
    clock.advance(RECONCILE_AFTER_MS + 1_000);
    expect(await reconcileHolds(d)).toMatchObject({ settled: 0, left: 1 }); // still down
    down = false;
    clock.advance(RECONCILE_AFTER_MS + 1_000);
    expect(await reconcileHolds(d)).toMatchObject({ settled: 1 });
    expect(await d.holds.getAuthorisation(held.authorisationId)).toMatchObject({ status: 'voided' });
    expect(d.sandbox.holdState(held.gatewayReference!)).toBe('voided');

    // A void whose process died after beginning it: the reconciler finishes it.
    const other = await authorise(d, order());
    const begun = await d.holds.beginOperation(
      {
        operationId: randomUUID(),
        authorisationId: other.authorisationId,
        kind: 'void',
        amountMinor: 0,
        status: 'processing',
        attempts: 1,
        createdAt: clock.now().toISOString(),
      },
      randomUUID(),
    );
    expect(begun.kind).toBe('started');
    clock.advance(RECONCILE_AFTER_MS + 1_000);
    await reconcileHolds(d);
    expect(await d.holds.getAuthorisation(other.authorisationId)).toMatchObject({ status: 'voided' });
  });

  racing('concurrent captures of one hold, each with its own key: captured once, the others 409', async () => {
    const d = deps(new SandboxGateway({ latencyMs: 20 }));
    const held = await authorise(d, order());
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => capture(d, held.authorisationId, randomUUID(), 5_000)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason.kind)).toEqual(
      Array(5).fill('CONFLICT'),
    );
    expect(await d.holds.getAuthorisation(held.authorisationId)).toMatchObject({ capturedMinor: 5_000, status: 'partially_captured' });
    const { rows } = await db
      .pool()
      .query(`SELECT count(*)::int AS n FROM authorisation_operations WHERE authorisation_id = $1`, [held.authorisationId]);
    expect(rows[0].n).toBe(1);
  });

  racing('a capture racing a release of the same deposit: exactly one of them ends it', async () => {
    const d = deps(new SandboxGateway({ latencyMs: 20 }));
    const held = await authorise(d, order());
    const outcomes = await Promise.allSettled([
      capture(d, held.authorisationId, randomUUID(), 30_000),
      releaseDeposit(d, held.authorisationId, randomUUID()),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(['captured', 'voided']).toContain((await d.holds.getAuthorisation(held.authorisationId))!.status);
  });

  racing('concurrent authorisations of one reservation and kind, each with its own key: one live hold, the others 409', async () => {
    const d = deps(new SandboxGateway({ latencyMs: 20 }));
    const r = reservation();
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => authorise(d, order(r))));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason.kind)).toEqual(
      Array(5).fill('CONFLICT'),
    );
    expect((await d.holds.authorisationsOf(r.reservationId)).map((a) => a.status)).toEqual(['authorised']);
  });
});
