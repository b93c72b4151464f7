import { GatewayUnavailable, type ChargeRequest, type ChargeSource } from '../../../lambdas/domain/payments/gateway';
import {
  SANDBOX_CAPTURE_FAILURE,
  SANDBOX_DECLINE_REASON,
  SANDBOX_TOKENS,
  SandboxGateway,
  SandboxIdempotencyError,
  sandboxOutcome,
} from '../../../lambdas/adapters/payments/gateways/sandbox-gateway';
import { CircuitBreakingRouter } from '../../../lambdas/adapters/payments/gateways/router';
import { PAYMENT_METHODS } from '../../../lambdas/domain/payments/methods';
import { chargeOnly } from '../../support/gateway-stubs';

const card = (token: string): ChargeSource => ({ type: 'card_token', token });
const charge = (source: ChargeSource, key = 'key-1', amountMinor = 12_000): ChargeRequest => ({
  amountMinor,
  currency: 'USD',
  source,
  idempotencyKey: key,
  description: 'reservation r-1',
});

describe('SandboxGateway', () => {
  it('documents every test token with an outcome and a description, and each method has tokens', () => {
    for (const t of SANDBOX_TOKENS) {
      expect(t.description.length).toBeGreaterThan(10);
      expect(sandboxOutcome(t.token)).toBe(t.outcome);
      // Every documented token passes the methods' own token rule.
      expect(t.token).toMatch(/^[\w.:-]{3,255}$/);
    }
    const sources = new Set(PAYMENT_METHODS.map((m) => m.source({ cardToken: 'x', orderId: 'x', walletToken: 'x' }).type));
    for (const source of sources) {
      const outcomes = SANDBOX_TOKENS.filter((t) => t.source === source).map((t) => t.outcome);
      expect([...new Set(outcomes)].sort()).toEqual(['capture_fails', 'declined', 'expires', 'succeeds', 'times_out', 'unavailable']);
    }
  });

  it('uses the suffix rule for tokens not in the list', () => {
    expect(sandboxOutcome('apple_pay_ok')).toBe('succeeds');
    expect(sandboxOutcome('my_card_decline')).toBe('declined');
    expect(sandboxOutcome('anything_fail')).toBe('unavailable');
    expect(sandboxOutcome('anything_timeout')).toBe('times_out');
    expect(sandboxOutcome('tok_123')).toBeUndefined();
  });

  it('succeeds for the success tokens of every source, with a new reference per charge', async () => {
    const sandbox = new SandboxGateway();
    const a = await sandbox.charge(charge(card('tok_visa'), 'k1'));
    const b = await sandbox.charge(charge({ type: 'paypal_order', orderId: 'order_ok' }, 'k2'));
    const c = await sandbox.charge(charge({ type: 'wallet_token', wallet: 'apple_pay', token: 'wallet_ok' }, 'k3'));
    for (const r of [a, b, c]) expect(r).toEqual({ outcome: 'succeeded', reference: expect.stringMatching(/^sbx_ch_/) });
    expect(new Set([a, b, c].map((r) => (r.outcome === 'succeeded' ? r.reference : '')))).toHaveProperty('size', 3);
  });

  it('declines _decline tokens with the card message, and unknown tokens with a pointer to the list', async () => {
    const sandbox = new SandboxGateway();
    await expect(sandbox.charge(charge(card('tok_decline')))).resolves.toEqual({ outcome: 'declined', reason: SANDBOX_DECLINE_REASON });
    expect(SANDBOX_DECLINE_REASON).toBe('Your card was declined.');
    await expect(sandbox.charge(charge(card('tok_unknown'), 'k2'))).resolves.toEqual({
      outcome: 'declined',
      reason: expect.stringContaining('GET /v1/payments/methods'),
    });
  });

  it('fails _fail tokens as unavailable', async () => {
    await expect(new SandboxGateway().charge(charge(card('tok_fail')))).rejects.toBeInstanceOf(GatewayUnavailable);
  });

  it('makes _timeout tokens wait longer than the router timeout, so the router falls back', async () => {
    const sandbox = new SandboxGateway({ timeoutDelayMs: 5_000 });
    const other = new SandboxGateway();
    const fallback = chargeOnly({ id: 'stripe' as const, charge: other.charge.bind(other), refund: other.refund.bind(other) });
    const router = new CircuitBreakingRouter([sandbox, fallback], { timeoutMs: 100 });
    const started = Date.now();
    // The fallback sandbox sees the same token: it would time out too, so use one it accepts.
    await expect(router.charge(['sandbox'], charge(card('tok_timeout')))).rejects.toMatchObject({
      name: 'AllGatewaysUnavailable',
      tried: ['sandbox'],
    });
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(router.charge(['sandbox', 'stripe'], charge(card('card_timeout'), 'k2'))).rejects.toMatchObject({
      tried: ['sandbox', 'stripe'],
    });
  });

  it('honours failWhen (a simulated outage) whatever the token', async () => {
    let down = true;
    const sandbox = new SandboxGateway({ failWhen: () => down });
    await expect(sandbox.charge(charge(card('tok_visa')))).rejects.toBeInstanceOf(GatewayUnavailable);
    down = false;
    // A failure is not remembered: the retry with the same key is charged.
    await expect(sandbox.charge(charge(card('tok_visa')))).resolves.toMatchObject({ outcome: 'succeeded' });
  });

  describe('idempotency', () => {
    it('answers a repeated key with the first answer, success or decline', async () => {
      const sandbox = new SandboxGateway();
      const first = await sandbox.charge(charge(card('tok_visa')));
      await expect(sandbox.charge({ ...charge(card('tok_visa')), description: 'retry' })).resolves.toEqual(first);
      const declined = await sandbox.charge(charge(card('tok_decline'), 'k2'));
      await expect(sandbox.charge(charge(card('tok_decline'), 'k2'))).resolves.toEqual(declined);
    });

    it('gives concurrent repeats one charge', async () => {
      const sandbox = new SandboxGateway({ latencyMs: 20 });
      const answers = await Promise.all(Array.from({ length: 5 }, () => sandbox.charge(charge(card('tok_visa')))));
      expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    });

    it('refuses a repeated key with different parameters', async () => {
      const sandbox = new SandboxGateway();
      await sandbox.charge(charge(card('tok_visa')));
      await expect(sandbox.charge(charge(card('tok_visa'), 'key-1', 999))).rejects.toBeInstanceOf(SandboxIdempotencyError);
      await expect(sandbox.charge(charge(card('tok_mastercard')))).rejects.toBeInstanceOf(SandboxIdempotencyError);
    });
  });

  describe('refund', () => {
    const charged = async () => {
      const sandbox = new SandboxGateway();
      const result = await sandbox.charge(charge(card('tok_visa')));
      if (result.outcome !== 'succeeded') throw new Error('expected a charge');
      return { sandbox, reference: result.reference };
    };
    const refund = (reference: string, amountMinor: number, key: string) => ({
      reference,
      amountMinor,
      currency: 'USD' as const,
      idempotencyKey: key,
    });

    it('refunds in parts up to the charge, never more', async () => {
      const { sandbox, reference } = await charged();
      await expect(sandbox.refund(refund(reference, 6_000, 'r1'))).resolves.toEqual({ reference: expect.stringMatching(/^sbx_re_/) });
      expect(sandbox.refundable(reference)).toBe(6_000);
      await expect(sandbox.refund(refund(reference, 6_001, 'r2'))).rejects.toThrow(/exceeds what is left/);
      await sandbox.refund(refund(reference, 6_000, 'r3'));
      expect(sandbox.refundable(reference)).toBe(0);
      await expect(sandbox.refund(refund(reference, 1, 'r4'))).rejects.toThrow(/exceeds/);
    });

    it('replays a repeated refund key without refunding twice', async () => {
      const { sandbox, reference } = await charged();
      const first = await sandbox.refund(refund(reference, 12_000, 'r1'));
      await expect(sandbox.refund(refund(reference, 12_000, 'r1'))).resolves.toEqual(first);
      expect(sandbox.refundable(reference)).toBe(0);
      await expect(sandbox.refund(refund(reference, 100, 'r1'))).rejects.toBeInstanceOf(SandboxIdempotencyError);
    });

    it('does not let concurrent refunds together exceed the charge', async () => {
      const sandbox = new SandboxGateway({ latencyMs: 10 });
      const result = await sandbox.charge(charge(card('tok_visa')));
      if (result.outcome !== 'succeeded') throw new Error('expected a charge');
      const outcomes = await Promise.allSettled(
        Array.from({ length: 3 }, (_, i) => sandbox.refund(refund(result.reference, 5_000, `r${i}`))),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
      expect(sandbox.refundable(result.reference)).toBe(2_000);
    });

    it('refuses an unknown charge and a non-positive amount', async () => {
      const { sandbox, reference } = await charged();
      await expect(sandbox.refund(refund('sbx_ch_nope', 1, 'r1'))).rejects.toThrow(/no charge/);
      await expect(sandbox.refund(refund(reference, 0, 'r2'))).rejects.toThrow(/positive/);
    });
  });

  describe('holds', () => {
    const authorise = (token: string, key = 'a-1', amountMinor = 30_000) => ({ ...charge(card(token), key, amountMinor) });
    const hold = async (sandbox: SandboxGateway, token: string) => {
      const result = await sandbox.authorise(authorise(token));
      if (result.outcome !== 'authorised') throw new Error(`expected an authorisation, got ${result.outcome}`);
      return result.reference;
    };
    const on = (reference: string, key: string) => ({ reference, currency: 'USD', idempotencyKey: key });

    it('authorises for the hold time, declines _decline tokens, and is unavailable for _fail tokens', async () => {
      const sandbox = new SandboxGateway({ now: () => new Date('2030-01-01T00:00:00Z') });
      await expect(sandbox.authorise(authorise('tok_visa'))).resolves.toEqual({
        outcome: 'authorised',
        reference: expect.stringMatching(/^sbx_au_30000_ok_/),
        expiresAt: '2030-01-08T00:00:00.000Z',
      });
      await expect(sandbox.authorise(authorise('tok_decline', 'a-2'))).resolves.toEqual({
        outcome: 'declined',
        reason: SANDBOX_DECLINE_REASON,
      });
      await expect(sandbox.authorise(authorise('tok_fail', 'a-3'))).rejects.toBeInstanceOf(GatewayUnavailable);
    });

    it('captures part of a hold once (a capture reference that refunds), and replays a repeated key', async () => {
      const sandbox = new SandboxGateway();
      const reference = await hold(sandbox, 'tok_visa');
      const captured = await sandbox.capture({ ...on(reference, 'c-1'), amountMinor: 12_000 });
      expect(captured).toEqual({ outcome: 'captured', reference: expect.stringMatching(/^sbx_ch_12000_/) });
      await expect(sandbox.capture({ ...on(reference, 'c-1'), amountMinor: 12_000 })).resolves.toEqual(captured);
      await expect(sandbox.capture({ ...on(reference, 'c-2'), amountMinor: 1 })).rejects.toThrow(/captured authorisation/);
      await expect(sandbox.void(on(reference, 'v-1'))).rejects.toThrow(/captured/);
      await expect(sandbox.release(on(reference, 'r-1'))).resolves.toEqual({ outcome: 'released' });
      expect(sandbox.holdState(reference)).toBe('captured');
      if (captured.outcome === 'captured') expect(sandbox.refundable(captured.reference)).toBe(12_000);
    });

    it('tok_capture_fail: authorised, the capture refused; tok_auth_expired: capture and void find it lapsed, release accepts it', async () => {
      const sandbox = new SandboxGateway();
      const failing = await hold(sandbox, 'tok_capture_fail');
      await expect(sandbox.capture({ ...on(failing, 'c-1'), amountMinor: 100 })).resolves.toEqual({
        outcome: 'failed',
        reason: SANDBOX_CAPTURE_FAILURE,
      });
      await expect(sandbox.void(on(failing, 'v-1'))).resolves.toEqual({ outcome: 'voided' });
      const lapsed = await hold(new SandboxGateway(), 'tok_auth_expired');
      // Another instance (another function in AWS) knows the hold from its reference.
      await expect(sandbox.capture({ ...on(lapsed, 'c-2'), amountMinor: 100 })).resolves.toEqual({ outcome: 'expired' });
      await expect(sandbox.void(on(lapsed, 'v-2'))).resolves.toEqual({ outcome: 'expired' });
      await expect(sandbox.release(on(lapsed, 'r-2'))).resolves.toEqual({ outcome: 'released' });
      expect(sandboxOutcome('order_capture_fail')).toBe('capture_fails');
      expect(sandboxOutcome('my_wallet_expired')).toBe('expires');
      expect(sandboxOutcome('x_fail')).toBe('unavailable');
    });

    it('voids a live hold; release after a void is fine; capturing more than the hold is refused', async () => {
      const sandbox = new SandboxGateway();
      const reference = await hold(sandbox, 'tok_visa');
      await expect(sandbox.capture({ ...on(reference, 'c-1'), amountMinor: 30_001 })).rejects.toThrow(/at most 30000/);
      await expect(sandbox.void(on(reference, 'v-1'))).resolves.toEqual({ outcome: 'voided' });
      await expect(sandbox.release(on(reference, 'r-1'))).resolves.toEqual({ outcome: 'released' });
      expect(sandbox.holdState(reference)).toBe('voided');
    });
  });
});
