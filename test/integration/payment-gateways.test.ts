import { randomUUID } from 'node:crypto';
import { GatewayUnavailable, type ChargeRequest, type ChargeSource, type PaymentGateway } from '../../lambdas/domain/payments/gateway';
import { StripeGateway } from '../../lambdas/adapters/payments/gateways/stripe-gateway';
import { PayPalGateway } from '../../lambdas/adapters/payments/gateways/paypal-gateway';
import { CircuitBreakingRouter } from '../../lambdas/adapters/payments/gateways/router';
import { start as startStripe, type StripeFake } from '../../local/payments/stripe-fake';
import { start as startPayPal, type PayPalFake } from '../../local/payments/paypal-fake';
import { chargeOnly } from '../support/gateway-stubs';

/**
 * The real Stripe and PayPal adapters (official SDKs, real HTTP) against the local fakes, which check
 * the requests as the real APIs would.
 */

const request = (source: ChargeSource, overrides: Partial<ChargeRequest> = {}): ChargeRequest => ({
  amountMinor: 12_000,
  currency: 'USD',
  source,
  idempotencyKey: randomUUID(),
  description: 'Car rental reservation r-123',
  ...overrides,
});
const card = (token: string): ChargeSource => ({ type: 'card_token', token });
const order = (orderId: string): ChargeSource => ({ type: 'paypal_order', orderId });

/** A port where nothing listens. */
const DEAD_PORT = 1;

describe('Stripe gateway against the Stripe fake', () => {
  let fake: StripeFake;
  let stripe: StripeGateway;
  beforeAll(async () => {
    fake = await startStripe({ slowMs: 1_500 });
    stripe = new StripeGateway('sk_test_fake123', { host: fake.host, port: fake.port, protocol: 'http', timeoutMs: 500 });
  });
  afterAll(() => fake.stop());

  it('charges a card: one confirmed PaymentIntent, our idempotency key, no redirects', async () => {
    const req = request(card('pm_card_visa'));
    const result = await stripe.charge(req);
    expect(result).toEqual({ outcome: 'succeeded', reference: expect.stringMatching(/^pi_/) });

    const seen = fake.requests.at(-1)!;
    expect(seen).toMatchObject({ method: 'POST', path: '/v1/payment_intents', status: 200 });
    expect(seen.headers.authorization).toBe('Bearer sk_test_fake123');
    expect(seen.headers['idempotency-key']).toBe(req.idempotencyKey);
    expect(seen.headers['stripe-version']).toBeTruthy();
    expect(seen.body).toEqual({
      amount: '12000',
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: 'true',
      automatic_payment_methods: { enabled: 'true', allow_redirects: 'never' },
      description: 'Car rental reservation r-123',
      metadata: { idempotency_key: req.idempotencyKey },
    });
  });

  it('charges a wallet token the same way', async () => {
    const result = await stripe.charge(request({ type: 'wallet_token', wallet: 'google_pay', token: 'pm_card_mastercard' }));
    expect(result.outcome).toBe('succeeded');
  });

  it("returns a card decline as declined, with Stripe's message and code", async () => {
    await expect(stripe.charge(request(card('pm_card_chargeDeclined')))).resolves.toEqual({
      outcome: 'declined',
      reason: 'Your card was declined. (generic_decline)',
    });
    await expect(stripe.charge(request(card('pm_card_chargeDeclinedInsufficientFunds')))).resolves.toEqual({
      outcome: 'declined',
      reason: 'Your card has insufficient funds. (insufficient_funds)',
    });
    await expect(stripe.charge(request(card('pm_card_chargeDeclinedExpiredCard')))).resolves.toEqual({
      outcome: 'declined',
      reason: 'Your card has expired. (expired_card)',
    });
  });

  it('declines a card that needs 3-D Secure (status requires_action)', async () => {
    await expect(stripe.charge(request(card('pm_card_authenticationRequired')))).resolves.toEqual({
      outcome: 'declined',
      reason: expect.stringContaining('(authentication_required)'),
    });
  });

  it('reports a 5xx, a 429, an outage, a timeout and a refused connection as GatewayUnavailable', async () => {
    await expect(stripe.charge(request(card('pm_fake_server_error')))).rejects.toMatchObject({
      name: 'GatewayUnavailable',
      gateway: 'stripe',
      message: expect.stringMatching(/HTTP 500/),
    });
    await expect(stripe.charge(request(card('pm_fake_rate_limited')))).rejects.toMatchObject({
      name: 'GatewayUnavailable',
      message: expect.stringMatching(/HTTP 429/),
    });
    fake.outage(503);
    try {
      await expect(stripe.charge(request(card('pm_card_visa')))).rejects.toMatchObject({
        name: 'GatewayUnavailable',
        message: expect.stringMatching(/HTTP 503/),
      });
    } finally {
      fake.outage(null);
    }
    const started = Date.now();
    await expect(stripe.charge(request(card('pm_fake_slow')))).rejects.toMatchObject({
      name: 'GatewayUnavailable',
      message: 'stripe: charge timed out',
    });
    expect(Date.now() - started).toBeLessThan(1_400);
    const dead = new StripeGateway('sk_test_fake123', { host: '127.0.0.1', port: DEAD_PORT, protocol: 'http' });
    await expect(dead.charge(request(card('pm_card_visa')))).rejects.toMatchObject({
      name: 'GatewayUnavailable',
      message: 'stripe: charge: no connection',
    });
  });

  it('replays a retry with the same idempotency key: same reference, one charge at Stripe', async () => {
    const before = fake.succeededCharges().length;
    const req = request(card('pm_card_visa'));
    const first = await stripe.charge(req);
    const again = await stripe.charge(req);
    expect(again).toEqual(first);
    expect(fake.succeededCharges().length - before).toBe(1);
    expect(fake.requests.at(-1)!.status).toBe(200);

    // A declined charge is replayed too.
    const declinedReq = request(card('pm_card_chargeDeclined'));
    expect(await stripe.charge(declinedReq)).toEqual(await stripe.charge(declinedReq));
  });

  it('refuses a repeat while the first is still in flight (409) as a plain error, so no other gateway charges too', async () => {
    const patient = new StripeGateway('sk_test_fake123', { host: fake.host, port: fake.port, protocol: 'http', timeoutMs: 5_000 });
    const req = request(card('pm_fake_slow'));
    const [first, second] = await Promise.allSettled([
      patient.charge(req),
      new Promise((r) => setTimeout(r, 100)).then(() => patient.charge(req)),
    ]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { outcome: 'succeeded' } });
    expect(second).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/HTTP 409, idempotency_key_in_use/) } });
    expect((second as PromiseRejectedResult).reason).not.toBeInstanceOf(GatewayUnavailable);
  });

  it('refuses the same key with other parameters as a plain error (never "unavailable")', async () => {
    const req = request(card('pm_card_visa'));
    await stripe.charge(req);
    const err = await stripe.charge({ ...req, amountMinor: 13_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(GatewayUnavailable);
    expect((err as Error).message).toMatch(/HTTP 400.*same parameters/);
  });

  it('refuses a bad key and a PayPal order as plain errors (ours to fix)', async () => {
    const badKey = new StripeGateway('not-a-key', { host: fake.host, port: fake.port, protocol: 'http' });
    await expect(badKey.charge(request(card('pm_card_visa')))).rejects.toThrow(/HTTP 401/);
    await expect(stripe.charge(request(order('ORDER1')))).rejects.toThrow(/cannot charge a PayPal order/);
  });

  it("declines a payment method Stripe does not know (the client's bad input, a final answer), without the token in the reason", async () => {
    const result = await stripe.charge(request(card('pm_secret_123')));
    expect(result).toEqual({ outcome: 'declined', reason: expect.stringMatching(/No such PaymentMethod.*\(resource_missing\)$/) });
    expect(JSON.stringify(result)).not.toContain('pm_secret_123');
  });

  it('finds the charge made with an idempotency key (the reconciler asks), or says it never took one', async () => {
    const req = request(card('pm_card_visa'));
    const charged = await stripe.charge(req);
    await expect(stripe.lookup({ idempotencyKey: req.idempotencyKey })).resolves.toEqual(charged);
    const declined = request(card('pm_card_chargeDeclined'));
    await stripe.charge(declined);
    await expect(stripe.lookup({ idempotencyKey: declined.idempotencyKey })).resolves.toMatchObject({ outcome: 'declined' });
    await expect(stripe.lookup({ idempotencyKey: randomUUID() })).resolves.toEqual({ outcome: 'unknown' });
  });

  it('refunds a charge in parts, idempotently, and never beyond what was charged', async () => {
    const charged = await stripe.charge(request(card('pm_card_visa')));
    if (charged.outcome !== 'succeeded') throw new Error('expected a charge');
    const refund = { reference: charged.reference, amountMinor: 5_000, currency: 'USD' as const, idempotencyKey: randomUUID() };

    const first = await stripe.refund(refund);
    expect(first.reference).toMatch(/^re_/);
    expect(fake.requests.at(-1)).toMatchObject({
      path: '/v1/refunds',
      body: { payment_intent: charged.reference, amount: '5000' },
      headers: expect.objectContaining({ 'idempotency-key': refund.idempotencyKey }),
    });
    await expect(stripe.refund(refund)).resolves.toEqual(first); // retried: same refund
    expect(fake.refunds.filter((r) => r.payment_intent === charged.reference)).toHaveLength(1);

    await expect(stripe.refund({ ...refund, amountMinor: 7_001, idempotencyKey: randomUUID() })).rejects.toThrow(/amount_too_large/);
    await expect(stripe.refund({ ...refund, amountMinor: 7_000, idempotencyKey: randomUUID() })).resolves.toHaveProperty('reference');
    await expect(stripe.refund({ ...refund, amountMinor: 1, idempotencyKey: randomUUID() })).rejects.toThrow(/charge_already_refunded/);
  });

  it('holds: a manual-capture PaymentIntent, captured in part once; release and void judge an intent that already ended', async () => {
    const req = request(card('pm_card_visa'), { amountMinor: 30_000 });
    const held = await stripe.authorise(req);
    expect(held).toEqual({ outcome: 'authorised', reference: expect.stringMatching(/^pi_/), expiresAt: expect.any(String) });
    expect(fake.requests.at(-1)!.body).toMatchObject({ capture_method: 'manual', confirm: 'true' });
    if (held.outcome !== 'authorised') throw new Error('expected a hold');
    const on = { reference: held.reference, currency: 'USD', idempotencyKey: randomUUID() };
    await expect(stripe.capture({ ...on, amountMinor: 4_500 })).resolves.toEqual({ outcome: 'captured', reference: held.reference });
    expect(fake.requests.at(-1)!).toMatchObject({
      path: `/v1/payment_intents/${held.reference}/capture`,
      body: { amount_to_capture: '4500' },
    });
    expect(fake.paymentIntents.find((pi) => pi.id === held.reference)).toMatchObject({ status: 'succeeded', amount_received: 4_500 });
    // A new attempt after a crash: Stripe refuses (already captured), the adapter reads the intent: done.
    await expect(stripe.capture({ ...on, idempotencyKey: randomUUID(), amountMinor: 4_500 })).resolves.toMatchObject({
      outcome: 'captured',
    });
    await expect(stripe.release({ ...on, idempotencyKey: randomUUID() })).resolves.toEqual({ outcome: 'released' });
    await expect(stripe.void({ ...on, idempotencyKey: randomUUID() })).rejects.toThrow(/cannot void .* succeeded/);

    const other = await stripe.authorise(request(card('pm_card_visa')));
    if (other.outcome !== 'authorised') throw new Error('expected a hold');
    const again = { reference: other.reference, currency: 'USD', idempotencyKey: randomUUID() };
    await expect(stripe.void(again)).resolves.toEqual({ outcome: 'voided' });
    await expect(stripe.void({ ...again, idempotencyKey: randomUUID() })).resolves.toEqual({ outcome: 'voided' });
    await expect(stripe.release({ ...again, idempotencyKey: randomUUID() })).resolves.toEqual({ outcome: 'released' });
    await expect(stripe.capture({ ...again, idempotencyKey: randomUUID(), amountMinor: 1 })).rejects.toThrow(/canceled/);
    await expect(stripe.authorise(request(card('pm_card_chargeDeclined')))).resolves.toMatchObject({ outcome: 'declined' });
  });

  it('behind the router: Stripe down -> the fallback takes the charge, and the breaker opens', async () => {
    const fallback = chargeOnly<Pick<PaymentGateway, 'id' | 'charge' | 'refund'> & { calls: number }>({
      id: 'sandbox',
      calls: 0,
      async charge() {
        this.calls += 1;
        return { outcome: 'succeeded', reference: `fallback_${this.calls}` };
      },
      async refund() {
        return { reference: 'r' };
      },
    });
    const router = new CircuitBreakingRouter([stripe, fallback], { failuresBeforeOpen: 2, timeoutMs: 2_000 });
    fake.outage(503);
    try {
      const seenBefore = fake.requests.length;
      for (let i = 0; i < 4; i++) {
        await expect(router.charge(['stripe', 'sandbox'], request(card('pm_card_visa')))).resolves.toMatchObject({ gateway: 'sandbox' });
      }
      expect(fake.requests.length - seenBefore).toBe(2); // then skipped: the breaker is open
      expect(router.states().stripe).toBe('open');
    } finally {
      fake.outage(null);
    }
  });
});

describe('PayPal gateway against the PayPal fake', () => {
  let fake: PayPalFake;
  let paypal: PayPalGateway;
  beforeAll(async () => {
    fake = await startPayPal();
    paypal = new PayPalGateway(fake.clientId, fake.clientSecret, { baseUrl: fake.url, timeoutMs: 500 });
  });
  afterAll(() => fake.stop());

  it('captures an approved order for our amount: token, order check, capture with our request id', async () => {
    const id = fake.createOrder({ amountMinor: 12_000 });
    const req = request(order(id));
    const seenBefore = fake.requests.length;
    const result = await paypal.charge(req);
    expect(result).toEqual({ outcome: 'succeeded', reference: fake.captures.at(-1)!.id });

    const [token, get, capture] = fake.requests.slice(seenBefore);
    expect(token).toMatchObject({ method: 'POST', path: '/v1/oauth2/token', status: 200, body: { grant_type: 'client_credentials' } });
    expect(token.headers.authorization).toBe(`Basic ${Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64')}`);
    // The SDK still names PayPal's host: only the connection goes to the fake.
    expect(token.headers.host).toBe('api-m.sandbox.paypal.com');
    expect(get).toMatchObject({ method: 'GET', path: `/v2/checkout/orders/${id}`, status: 200 });
    expect(capture).toMatchObject({ method: 'POST', path: `/v2/checkout/orders/${id}/capture`, status: 201 });
    expect(capture.headers['paypal-request-id']).toBe(req.idempotencyKey);
    expect(capture.headers['content-type']).toMatch(/^application\/json/);
    expect(capture.headers.authorization).toMatch(/^Bearer A21AA/);
  });

  it('reuses its access token across calls', async () => {
    const before = fake.tokensIssued();
    await paypal.charge(request(order(fake.createOrder({ amountMinor: 12_000 }))));
    await paypal.charge(request(order(fake.createOrder({ amountMinor: 12_000 }))));
    expect(fake.tokensIssued()).toBe(before);
  });

  it('declines an instrument PayPal declines, and the order can be paid again', async () => {
    const id = fake.createOrder({ amountMinor: 12_000, outcome: 'decline' });
    await expect(paypal.charge(request(order(id)))).resolves.toEqual({
      outcome: 'declined',
      reason: expect.stringMatching(/declined by the processor or bank.*\(INSTRUMENT_DECLINED\)$/),
    });
    expect(fake.orders.get(id)!.status).toBe('APPROVED');
  });

  it('declines a capture that comes back DECLINED, an order not approved, an unknown order', async () => {
    await expect(
      paypal.charge(request(order(fake.createOrder({ amountMinor: 12_000, outcome: 'capture_declined' })))),
    ).resolves.toMatchObject({ outcome: 'declined' });
    await expect(paypal.charge(request(order(fake.createOrder({ amountMinor: 12_000, status: 'CREATED' }))))).resolves.toEqual({
      outcome: 'declined',
      reason: expect.stringContaining('(ORDER_NOT_APPROVED)'),
    });
    await expect(paypal.charge(request(order('NOSUCHORDER123')))).resolves.toEqual({
      outcome: 'declined',
      reason: 'PayPal does not know this order. (INVALID_RESOURCE_ID)',
    });
  });

  it('declines an order approved for another amount or currency, without capturing it', async () => {
    const cheap = fake.createOrder({ amountMinor: 100 });
    await expect(paypal.charge(request(order(cheap)))).resolves.toEqual({
      outcome: 'declined',
      reason: 'The PayPal order is for 1.00 USD, not 120.00 USD.',
    });
    const euros = fake.createOrder({ amountMinor: 12_000, currency: 'EUR' });
    await expect(paypal.charge(request(order(euros)))).resolves.toMatchObject({ outcome: 'declined' });
    expect(fake.orders.get(cheap)!.status).toBe('APPROVED');
    expect(fake.requests.some((r) => r.path.endsWith(`${cheap}/capture`))).toBe(false);
  });

  it('reports a 5xx, an outage, a timeout and a refused connection as GatewayUnavailable', async () => {
    await expect(paypal.charge(request(order(fake.createOrder({ amountMinor: 12_000, outcome: 'server_error' }))))).rejects.toMatchObject({
      name: 'GatewayUnavailable',
      gateway: 'paypal',
      message: 'paypal: charge: HTTP 500',
    });
    fake.outage(503);
    try {
      await expect(paypal.charge(request(order(fake.createOrder({ amountMinor: 12_000 }))))).rejects.toMatchObject({
        name: 'GatewayUnavailable',
        message: 'paypal: charge: HTTP 503',
      });
    } finally {
      fake.outage(null);
    }
    fake.delay(1_500);
    try {
      const started = Date.now();
      await expect(paypal.charge(request(order(fake.createOrder({ amountMinor: 12_000 }))))).rejects.toMatchObject({
        name: 'GatewayUnavailable',
        message: 'paypal: charge timed out',
      });
      expect(Date.now() - started).toBeLessThan(1_400);
    } finally {
      fake.delay(0);
    }
    const dead = new PayPalGateway('id', 'secret', { baseUrl: `http://127.0.0.1:${DEAD_PORT}` });
    await expect(dead.charge(request(order('X1')))).rejects.toMatchObject({
      name: 'GatewayUnavailable',
      message: expect.stringMatching(/no connection/),
    });
  });

  it('recovers after PayPal was down while it fetched its token (the SDK alone would not)', async () => {
    const fresh = new PayPalGateway(fake.clientId, fake.clientSecret, { baseUrl: fake.url });
    fake.outage(503);
    try {
      await expect(fresh.charge(request(order(fake.createOrder({ amountMinor: 12_000 }))))).rejects.toBeInstanceOf(GatewayUnavailable);
    } finally {
      fake.outage(null);
    }
    await expect(fresh.charge(request(order(fake.createOrder({ amountMinor: 12_000 }))))).resolves.toMatchObject({ outcome: 'succeeded' });
  });

  it('after a 401 (token revoked) fails that call as a plain error, then fetches a new token', async () => {
    await paypal.charge(request(order(fake.createOrder({ amountMinor: 12_000 }))));
    const before = fake.tokensIssued();
    fake.revokeTokens();
    await expect(paypal.charge(request(order(fake.createOrder({ amountMinor: 12_000 }))))).rejects.toThrow(/HTTP 401, invalid_token/);
    await expect(paypal.charge(request(order(fake.createOrder({ amountMinor: 12_000 }))))).resolves.toMatchObject({ outcome: 'succeeded' });
    expect(fake.tokensIssued()).toBe(before + 1);
  });

  it('replays a retry with the same idempotency key: same capture, one charge at PayPal', async () => {
    const id = fake.createOrder({ amountMinor: 12_000 });
    const req = request(order(id));
    const first = await paypal.charge(req);
    await expect(paypal.charge(req)).resolves.toEqual(first);
    expect(fake.captures.filter((c) => c.orderId === id)).toHaveLength(1);
    // Another key for an order already paid: declined, not a second charge.
    await expect(paypal.charge(request(order(id)))).resolves.toEqual({
      outcome: 'declined',
      reason: expect.stringContaining('(ORDER_ALREADY_CAPTURED)'),
    });
  });

  it('refuses bad credentials and a card token as plain errors', async () => {
    const wrong = new PayPalGateway(fake.clientId, 'wrong-secret', { baseUrl: fake.url });
    const err = await wrong.charge(request(order(fake.createOrder({ amountMinor: 12_000 })))).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(GatewayUnavailable);
    expect((err as Error).message).toMatch(/HTTP 401, invalid_client/);
    await expect(paypal.charge(request(card('tok_visa')))).rejects.toThrow(/cannot charge a card_token/);
  });

  it('refunds a capture in parts, idempotently, and never beyond what was captured', async () => {
    const charged = await paypal.charge(request(order(fake.createOrder({ amountMinor: 12_000 }))));
    if (charged.outcome !== 'succeeded') throw new Error('expected a capture');
    const refund = { reference: charged.reference, amountMinor: 5_050, currency: 'USD' as const, idempotencyKey: randomUUID() };

    const first = await paypal.refund(refund);
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: `/v2/payments/captures/${charged.reference}/refund`,
      status: 201,
      body: { amount: { currency_code: 'USD', value: '50.50' } },
      headers: expect.objectContaining({ 'paypal-request-id': refund.idempotencyKey }),
    });
    await expect(paypal.refund(refund)).resolves.toEqual(first);
    expect(fake.refunds.filter((r) => r.captureId === charged.reference)).toHaveLength(1);

    await expect(paypal.refund({ ...refund, amountMinor: 6_951, idempotencyKey: randomUUID() })).rejects.toThrow(/REFUND_AMOUNT_EXCEEDED/);
    await expect(paypal.refund({ ...refund, amountMinor: 6_950, idempotencyKey: randomUUID() })).resolves.toHaveProperty('reference');
    await expect(paypal.refund({ ...refund, amountMinor: 1, idempotencyKey: randomUUID() })).rejects.toThrow(/CAPTURE_FULLY_REFUNDED/);
  });
});
