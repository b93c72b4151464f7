import {
  AllGatewaysUnavailable,
  GatewayUnavailable,
  type AuthoriseRequest,
  type AuthoriseResult,
  type CaptureRequest,
  type CaptureResult,
  type ChargeRequest,
  type ChargeResult,
  type GatewayId,
  type HoldRequest,
  type PaymentGateway,
  type RefundRequest,
  type ReleaseResult,
  type VoidResult,
} from '../../../lambdas/domain/payments/gateway';
import { CircuitBreakingRouter } from '../../../lambdas/adapters/payments/gateways/router';
import { SandboxGateway } from '../../../lambdas/adapters/payments/gateways/sandbox-gateway';
import { logger } from '../../../lambdas/shared/logger';

/** A gateway whose every answer the test decides: succeed, decline, be down, hang, or break. */
type Behaviour = 'ok' | 'decline' | 'down' | 'hang' | 'bug';

class FakeGateway implements PaymentGateway {
  calls: ChargeRequest[] = [];
  refunds: RefundRequest[] = [];
  constructor(
    readonly id: GatewayId,
    public behaviour: Behaviour = 'ok',
  ) {}
  async charge(request: ChargeRequest): Promise<ChargeResult> {
    this.calls.push(request);
    return this.act<ChargeResult>(() => ({ outcome: 'succeeded', reference: `${this.id}_ref_${this.calls.length}` }));
  }
  async refund(request: RefundRequest): Promise<{ reference: string }> {
    this.refunds.push(request);
    return this.act(() => ({ reference: `${this.id}_re_${this.refunds.length}` }));
  }
  holds: string[] = [];
  async authorise(request: AuthoriseRequest): Promise<AuthoriseResult> {
    this.holds.push(`authorise ${request.idempotencyKey}`);
    return this.act<AuthoriseResult>(() => ({ outcome: 'authorised', reference: `${this.id}_au`, expiresAt: '2030-01-01T00:00:00.000Z' }));
  }
  async capture(request: CaptureRequest): Promise<CaptureResult> {
    this.holds.push(`capture ${request.reference} ${request.amountMinor}`);
    return this.act<CaptureResult>(() => ({ outcome: 'captured', reference: `${this.id}_cap` }));
  }
  async void(request: HoldRequest): Promise<VoidResult> {
    this.holds.push(`void ${request.reference}`);
    return this.act<VoidResult>(() => ({ outcome: 'voided' }));
  }
  async release(request: HoldRequest): Promise<ReleaseResult> {
    this.holds.push(`release ${request.reference}`);
    return this.act<ReleaseResult>(() => ({ outcome: 'released' }));
  }
  private act<T>(ok: () => T): Promise<T> {
    switch (this.behaviour) {
      case 'ok':
        return Promise.resolve(ok());
      case 'decline':
        return Promise.resolve({ outcome: 'declined', reason: 'Your card was declined.' } as T);
      case 'down':
        return Promise.reject(new GatewayUnavailable(this.id, 'HTTP 503'));
      case 'hang':
        return new Promise(() => {});
      case 'bug':
        return Promise.reject(new Error(`${this.id}: invalid API key`));
    }
  }
}

const request = (n = 1): ChargeRequest => ({
  amountMinor: 12_000,
  currency: 'USD',
  source: { type: 'card_token', token: 'tok_secret_value' },
  idempotencyKey: `key-${n}`,
  description: 'reservation r-1',
});

const setup = (primary: Behaviour, fallback: Behaviour, options = {}) => {
  const stripe = new FakeGateway('stripe', primary);
  const sandbox = new FakeGateway('sandbox', fallback);
  const router = new CircuitBreakingRouter([stripe, sandbox], { timeoutMs: 50, failuresBeforeOpen: 3, halfOpenAfterMs: 200, ...options });
  return { stripe, sandbox, router };
};

describe('CircuitBreakingRouter', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(logger, 'warn');
  });
  afterEach(() => jest.restoreAllMocks());

  it('charges the first gateway when it is up', async () => {
    const { stripe, sandbox, router } = setup('ok', 'ok');
    await expect(router.charge(['stripe', 'sandbox'], request())).resolves.toEqual({
      gateway: 'stripe',
      result: { outcome: 'succeeded', reference: 'stripe_ref_1' },
    });
    expect(sandbox.calls).toHaveLength(0);
    expect(stripe.calls[0].idempotencyKey).toBe('key-1');
  });

  it('falls back to the next gateway when the first is unavailable, with the same idempotency key', async () => {
    const { stripe, sandbox, router } = setup('down', 'ok');
    await expect(router.charge(['stripe', 'sandbox'], request())).resolves.toEqual({
      gateway: 'sandbox',
      result: { outcome: 'succeeded', reference: 'sandbox_ref_1' },
    });
    expect(stripe.calls).toHaveLength(1);
    expect(sandbox.calls[0]).toEqual(request());
  });

  it('logs each fallback with the gateway and the reason, never the request', async () => {
    const { router } = setup('down', 'ok');
    await router.charge(['stripe', 'sandbox'], request());
    expect(warn).toHaveBeenCalledWith(
      'payment gateway fallback',
      expect.objectContaining({ gateway: 'stripe', reason: 'unavailable', next: 'sandbox' }),
    );
    const logged = JSON.stringify(warn.mock.calls);
    expect(logged).not.toContain('tok_secret_value');
    expect(logged).not.toContain('key-1');
    expect(logged).not.toContain('12000');
  });

  it('returns a decline at once: not retried elsewhere, and not counted against the gateway', async () => {
    const { stripe, sandbox, router } = setup('decline', 'ok');
    for (let i = 0; i < 10; i++) {
      await expect(router.charge(['stripe', 'sandbox'], request(i))).resolves.toEqual({
        gateway: 'stripe',
        result: { outcome: 'declined', reason: 'Your card was declined.' },
      });
    }
    expect(sandbox.calls).toHaveLength(0);
    expect(stripe.calls).toHaveLength(10);
    expect(router.states()).toEqual({ stripe: 'closed', sandbox: 'closed' });
  });

  it('falls back when the first gateway does not answer within the timeout', async () => {
    const { sandbox, router } = setup('hang', 'ok');
    const started = Date.now();
    await expect(router.charge(['stripe', 'sandbox'], request())).resolves.toMatchObject({ gateway: 'sandbox' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(sandbox.calls).toHaveLength(1);
    expect(warn).toHaveBeenCalledWith('payment gateway fallback', expect.objectContaining({ gateway: 'stripe', reason: 'timeout' }));
  });

  it('opens the breaker after repeated failures, then skips the gateway without calling it', async () => {
    const { stripe, sandbox, router } = setup('down', 'ok');
    for (let i = 0; i < 3; i++) await router.charge(['stripe', 'sandbox'], request(i));
    expect(stripe.calls).toHaveLength(3);
    expect(router.states().stripe).toBe('open');

    for (let i = 3; i < 8; i++) {
      await expect(router.charge(['stripe', 'sandbox'], request(i))).resolves.toMatchObject({ gateway: 'sandbox' });
    }
    expect(stripe.calls).toHaveLength(3); // skipped while open
    expect(sandbox.calls).toHaveLength(8);
    expect(warn).toHaveBeenCalledWith('payment gateway fallback', expect.objectContaining({ gateway: 'stripe', reason: 'circuit_open' }));
  });

  it('timeouts count as failures for the breaker too', async () => {
    const { router } = setup('hang', 'ok');
    for (let i = 0; i < 3; i++) await router.charge(['stripe', 'sandbox'], request(i));
    expect(router.states().stripe).toBe('open');
  });

  it('lets one trial call through after halfOpenAfter, and closes again when it succeeds', async () => {
    const { stripe, router } = setup('down', 'ok');
    for (let i = 0; i < 3; i++) await router.charge(['stripe', 'sandbox'], request(i));
    expect(router.states().stripe).toBe('open');
    stripe.behaviour = 'ok';
    await new Promise((r) => setTimeout(r, 250));
    await expect(router.charge(['stripe', 'sandbox'], request(9))).resolves.toMatchObject({ gateway: 'stripe' });
    expect(router.states().stripe).toBe('closed');
  });

  it('a failed trial call opens the breaker again', async () => {
    const { stripe, router } = setup('down', 'ok');
    for (let i = 0; i < 3; i++) await router.charge(['stripe', 'sandbox'], request(i));
    await new Promise((r) => setTimeout(r, 250));
    await expect(router.charge(['stripe', 'sandbox'], request(9))).resolves.toMatchObject({ gateway: 'sandbox' });
    expect(stripe.calls).toHaveLength(4);
    expect(router.states().stripe).toBe('open');
  });

  it('a success resets the consecutive-failure count', async () => {
    const { stripe, router } = setup('down', 'ok');
    for (let i = 0; i < 2; i++) await router.charge(['stripe', 'sandbox'], request(i));
    stripe.behaviour = 'ok';
    await router.charge(['stripe', 'sandbox'], request(2));
    stripe.behaviour = 'down';
    for (let i = 3; i < 5; i++) await router.charge(['stripe', 'sandbox'], request(i));
    expect(router.states().stripe).toBe('closed');
  });

  it('throws AllGatewaysUnavailable naming the gateways tried when none can take the charge', async () => {
    const { router } = setup('down', 'hang');
    const err = await router.charge(['stripe', 'sandbox'], request()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AllGatewaysUnavailable);
    expect((err as AllGatewaysUnavailable).tried).toEqual(['stripe', 'sandbox']);
  });

  it('counts a gateway skipped for an open breaker as tried', async () => {
    const { router } = setup('down', 'down');
    for (let i = 0; i < 3; i++) await router.charge(['stripe', 'sandbox'], request(i)).catch(() => undefined);
    expect(router.states()).toEqual({ stripe: 'open', sandbox: 'open' });
    await expect(router.charge(['stripe', 'sandbox'], request(5))).rejects.toMatchObject({ tried: ['stripe', 'sandbox'] });
  });

  it('skips gateways that are not configured here', async () => {
    const sandbox = new FakeGateway('sandbox');
    const router = new CircuitBreakingRouter([sandbox]);
    await expect(router.charge(['stripe', 'sandbox'], request())).resolves.toMatchObject({ gateway: 'sandbox' });
    await expect(router.charge(['paypal'], request(2))).rejects.toMatchObject({ name: 'AllGatewaysUnavailable', tried: [] });
  });

  it('rethrows any other error as is: no fallback, not counted', async () => {
    const { sandbox, router } = setup('bug', 'ok');
    for (let i = 0; i < 5; i++) await expect(router.charge(['stripe', 'sandbox'], request(i))).rejects.toThrow('stripe: invalid API key');
    expect(sandbox.calls).toHaveLength(0);
    expect(router.states().stripe).toBe('closed');
  });

  it('isolate() takes a gateway out of rotation until disposed', async () => {
    const { stripe, router } = setup('ok', 'ok');
    const handle = router.isolate('stripe');
    await expect(router.charge(['stripe', 'sandbox'], request())).resolves.toMatchObject({ gateway: 'sandbox' });
    handle.dispose();
    await expect(router.charge(['stripe', 'sandbox'], request(2))).resolves.toMatchObject({ gateway: 'stripe' });
    expect(stripe.calls).toHaveLength(1);
  });

  describe('refund', () => {
    it('goes to the gateway that took the charge, never elsewhere', async () => {
      const { stripe, sandbox, router } = setup('ok', 'ok');
      const refund = { reference: 'stripe_ref_1', amountMinor: 500, currency: 'USD' as const, idempotencyKey: 'r-1' };
      await expect(router.refund('stripe', refund)).resolves.toEqual({ reference: 'stripe_re_1' });
      expect(stripe.refunds).toEqual([refund]);
      expect(sandbox.refunds).toHaveLength(0);
    });

    it('reports an unavailable gateway, a timeout or an open breaker as GatewayUnavailable', async () => {
      const { stripe, router } = setup('down', 'ok');
      const refund = { reference: 'x', amountMinor: 500, currency: 'USD' as const, idempotencyKey: 'r-1' };
      await expect(router.refund('stripe', refund)).rejects.toBeInstanceOf(GatewayUnavailable);
      stripe.behaviour = 'hang';
      await expect(router.refund('stripe', refund)).rejects.toMatchObject({
        name: 'GatewayUnavailable',
        gateway: 'stripe',
        message: 'stripe: no answer within 50 ms',
      });
      await expect(router.refund('stripe', refund)).rejects.toBeInstanceOf(GatewayUnavailable);
      expect(router.states().stripe).toBe('open');
      await expect(router.refund('stripe', refund)).rejects.toMatchObject({ message: 'stripe: circuit open' });
    });

    it('refuses a refund to a gateway that is not configured', async () => {
      const router = new CircuitBreakingRouter([new FakeGateway('sandbox')]);
      await expect(router.refund('stripe', { reference: 'x', amountMinor: 1, currency: 'USD', idempotencyKey: 'k' })).rejects.toThrow(
        /not configured/,
      );
    });
  });

  it('refuses the same gateway registered twice', () => {
    expect(() => new CircuitBreakingRouter([new FakeGateway('sandbox'), new FakeGateway('sandbox')])).toThrow(/twice/);
  });

  describe('the sandbox breaker is shared by every customer of the instance', () => {
    const card = (token: string, n: number): ChargeRequest => ({ ...request(n), source: { type: 'card_token', token } });

    it("one customer's tok_fail and tok_timeout payments never open it for everyone; declines never count", async () => {
      const router = new CircuitBreakingRouter([new SandboxGateway({ timeoutDelayMs: 100 })], { timeoutMs: 50, failuresBeforeOpen: 3 });
      for (let n = 0; n < 6; n++) {
        await expect(router.charge(['sandbox'], card(n % 2 ? 'tok_fail' : 'tok_timeout', n))).rejects.toBeInstanceOf(
          AllGatewaysUnavailable,
        );
      }
      expect(router.states()).toEqual({ sandbox: 'closed' });
      for (let n = 0; n < 6; n++) {
        await expect(router.charge(['sandbox'], card('tok_decline', 100 + n))).resolves.toMatchObject({ result: { outcome: 'declined' } });
      }
      expect(router.states()).toEqual({ sandbox: 'closed' });
      await expect(router.charge(['sandbox'], card('tok_visa', 200))).resolves.toMatchObject({ result: { outcome: 'succeeded' } });
    });

    it('a simulated outage of the whole sandbox (failWhen) still opens it', async () => {
      const router = new CircuitBreakingRouter([new SandboxGateway({ failWhen: () => true })], { timeoutMs: 50, failuresBeforeOpen: 3 });
      for (let n = 0; n < 3; n++)
        await expect(router.charge(['sandbox'], card('tok_visa', n))).rejects.toBeInstanceOf(AllGatewaysUnavailable);
      expect(router.states()).toEqual({ sandbox: 'open' });
    });
  });

  describe('holds', () => {
    const hold = (n = 1) => ({ ...request(n) });
    const on = { reference: 'stripe_au', currency: 'USD', idempotencyKey: 'op-1' };

    it('authorise falls back as a charge does: primary down, the fallback holds it; a decline is final', async () => {
      const { stripe, sandbox, router } = setup('down', 'ok');
      await expect(router.authorise(['stripe', 'sandbox'], hold())).resolves.toEqual({
        gateway: 'sandbox',
        result: { outcome: 'authorised', reference: 'sandbox_au', expiresAt: '2030-01-01T00:00:00.000Z' },
      });
      expect([stripe.holds, sandbox.holds]).toEqual([['authorise key-1'], ['authorise key-1']]);
      const declining = setup('decline', 'ok');
      await expect(declining.router.authorise(['stripe', 'sandbox'], hold())).resolves.toMatchObject({
        gateway: 'stripe',
        result: { outcome: 'declined' },
      });
      expect(declining.sandbox.holds).toEqual([]);
      await expect(setup('down', 'down').router.authorise(['stripe', 'sandbox'], hold())).rejects.toBeInstanceOf(AllGatewaysUnavailable);
    });

    it('capture, void and release go to the gateway holding the authorisation, never elsewhere', async () => {
      const { stripe, sandbox, router } = setup('ok', 'ok');
      await expect(router.capture('stripe', { ...on, amountMinor: 500 })).resolves.toEqual({
        outcome: 'captured',
        reference: 'stripe_cap',
      });
      await expect(router.void('stripe', on)).resolves.toEqual({ outcome: 'voided' });
      await expect(router.release('stripe', on)).resolves.toEqual({ outcome: 'released' });
      expect(stripe.holds).toEqual(['capture stripe_au 500', 'void stripe_au', 'release stripe_au']);
      expect(sandbox.holds).toEqual([]);

      const down = setup('down', 'ok');
      await expect(down.router.release('stripe', on)).rejects.toBeInstanceOf(GatewayUnavailable);
      expect(down.sandbox.holds).toEqual([]);
      const hung = setup('hang', 'ok');
      await expect(hung.router.capture('stripe', { ...on, amountMinor: 1 })).rejects.toMatchObject({
        name: 'GatewayUnavailable',
        message: expect.stringMatching(/no answer within 50 ms/),
      });
    });
  });
});
