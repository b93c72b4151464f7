import { createHash } from 'node:crypto';
import { fakeId, parseForm, sleep, startServer, type FakeServer, type ParsedRequest, type Reply } from './http';

/**
 * A local HTTP fake of the two Stripe endpoints the Stripe gateway adapter uses, for integration tests:
 * `POST /v1/payment_intents` (create and confirm) and `POST /v1/refunds`; for holds, a manual-capture
 * intent (`capture_method=manual`, left `requires_capture`), `POST /v1/payment_intents/{id}/capture`
 * (`amount_to_capture`), `/cancel`, and `GET /v1/payment_intents/{id}`. It checks requests as Stripe
 * does, in the parts that matter to us:
 *
 * - a secret key (`Authorization: Bearer sk_...`), a form-encoded body, a `Stripe-Version` header;
 * - required and unknown parameters (400 `parameter_missing` / `parameter_unknown`), the minimum amount,
 *   and the `return_url` Stripe demands for a confirmed intent with automatic payment methods unless
 *   redirects are turned off (`automatic_payment_methods[allow_redirects]=never`);
 * - `Idempotency-Key`: the first answer for a key is saved (successes, declines and 5xx from a started
 *   request alike) and replayed with `Idempotent-Replayed: true`; the same key with other parameters or
 *   on another endpoint is Stripe's 400 `idempotency_error`; the same key while the first request is in
 *   flight is 409 `idempotency_key_in_use`; requests refused by validation are not saved.
 *
 * Payment methods, as in Stripe's test mode:
 *
 * | payment_method | answer |
 * | --- | --- |
 * | `pm_card_visa`, `pm_card_mastercard`, `pm_card_amex`, `pm_card_visa_debit` | succeeded |
 * | `pm_card_chargeDeclined` | 402 `card_declined` (`generic_decline`) "Your card was declined." |
 * | `pm_card_chargeDeclinedInsufficientFunds` | 402 `card_declined` (`insufficient_funds`) |
 * | `pm_card_chargeDeclinedExpiredCard` | 402 `expired_card` |
 * | `pm_card_authenticationRequired` | 200, status `requires_action` (3-D Secure) |
 * | `pm_fake_server_error` (fake only) | 500 `api_error` |
 * | `pm_fake_rate_limited` (fake only) | 429 `rate_limit` |
 * | `pm_fake_slow` (fake only) | succeeds after `slowMs` |
 * | any other | 400 `resource_missing` "No such PaymentMethod" |
 *
 * `GET /v1/payment_intents/search?query=...` answers Stripe's search result list for queries made of
 * `metadata['key']:'value'` clauses joined by ` AND ` (the only form the adapter uses); any other query
 * is Stripe's 400 for a query it cannot parse. Unlike Stripe, new intents are searchable at once.
 *
 * `outage(503)` makes every request fail with that status before reaching the endpoint (not saved for
 * idempotency, as a load balancer's error would not be), `outage(null)` ends it.
 */

export interface StripeFakeOptions {
  /** Delay of `pm_fake_slow` (default 2 s). */
  slowMs?: number;
}

export interface FakePaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  status: string;
  payment_method: string | null;
  latest_charge: string | null;
  description: string | null;
  metadata: Record<string, string>;
  created: number;
  livemode: false;
  capture_method: 'automatic' | 'manual';
  cancellation_reason: string | null;
  confirmation_method: 'automatic';
  automatic_payment_methods: { enabled: boolean; allow_redirects?: string } | null;
  last_payment_error: unknown;
  next_action: unknown;
}

export interface StripeFake extends FakeServer {
  /** Every PaymentIntent created, in order (declined ones too). */
  paymentIntents: FakePaymentIntent[];
  /** PaymentIntents that took money: the number of real charges. */
  succeededCharges(): FakePaymentIntent[];
  refunds: { id: string; payment_intent: string; amount: number; status: string }[];
  outage(status: number | null): void;
}

const SUCCEEDS = new Set(['pm_card_visa', 'pm_card_mastercard', 'pm_card_amex', 'pm_card_visa_debit', 'pm_fake_slow']);
const DECLINES: Record<string, { code: string; decline_code?: string; message: string }> = {
  pm_card_chargeDeclined: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
  pm_card_chargeDeclinedInsufficientFunds: {
    code: 'card_declined',
    decline_code: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  pm_card_chargeDeclinedExpiredCard: { code: 'expired_card', message: 'Your card has expired.' },
};
const PI_PARAMS = new Set([
  'amount',
  'currency',
  'confirm',
  'payment_method',
  'automatic_payment_methods',
  'description',
  'metadata',
  'return_url',
  'capture_method',
  'payment_method_types',
  'customer',
  'receipt_email',
  'statement_descriptor_suffix',
  'expand',
]);
const REFUND_PARAMS = new Set(['payment_intent', 'charge', 'amount', 'reason', 'metadata', 'expand']);

const error = (status: number, type: string, message: string, extra: Record<string, unknown> = {}): Reply => ({
  status,
  body: { error: { type, message, ...extra } },
});
const invalid = (message: string, extra: Record<string, unknown> = {}): Reply => error(400, 'invalid_request_error', message, extra);
const dollars = (minor: number) => `$${(minor / 100).toFixed(2)}`;

export const start = async (options: StripeFakeOptions = {}): Promise<StripeFake> => {
  const paymentIntents: FakePaymentIntent[] = [];
  const refunds: StripeFake['refunds'] = [];
  const saved = new Map<string, { fingerprint: string; reply?: Reply }>();
  let outage: number | null = null;

  const createPaymentIntent = async (p: Record<string, unknown>): Promise<Reply> => {
    const unknown = Object.keys(p).find((k) => !PI_PARAMS.has(k));
    if (unknown) return invalid(`Received unknown parameter: ${unknown}`, { code: 'parameter_unknown', param: unknown });
    for (const required of ['amount', 'currency']) {
      if (p[required] === undefined) return invalid(`Missing required param: ${required}.`, { code: 'parameter_missing', param: required });
    }
    const amount = Number(p.amount);
    if (!/^\d+$/.test(String(p.amount)))
      return invalid('Invalid integer: ' + String(p.amount), { code: 'parameter_invalid_integer', param: 'amount' });
    if (!/^[a-z]{3}$/.test(String(p.currency)))
      return invalid(`Invalid currency: ${String(p.currency)}.`, { code: 'parameter_invalid_string', param: 'currency' });
    if (amount < 50) return invalid('Amount must be at least $0.50 usd', { code: 'amount_too_small', param: 'amount' });
    const apm = p.automatic_payment_methods as { enabled?: string; allow_redirects?: string } | undefined;
    const confirm = p.confirm === 'true';
    const pm = typeof p.payment_method === 'string' ? p.payment_method : undefined;
    if (confirm && !pm) {
      return invalid("You cannot confirm this PaymentIntent because it's missing a payment method.", {
        code: 'payment_intent_unexpected_state',
      });
    }
    if (confirm && apm?.enabled === 'true' && apm.allow_redirects !== 'never' && !p.return_url) {
      return invalid(
        "This PaymentIntent is configured to accept payment methods enabled in your Dashboard. Because some of these payment methods might redirect your customer off of your page, you must provide a `return_url`. If you don't want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.",
      );
    }
    if (pm && !SUCCEEDS.has(pm) && !DECLINES[pm] && !pm.startsWith('pm_fake_') && pm !== 'pm_card_authenticationRequired') {
      return invalid(`No such PaymentMethod: '${pm}'`, { code: 'resource_missing', param: 'payment_method' });
    }
    if (pm === 'pm_fake_server_error') return error(500, 'api_error', 'An unknown error occurred');
    if (pm === 'pm_fake_rate_limited')
      return error(429, 'invalid_request_error', 'Too many requests hit the API too quickly.', { code: 'rate_limit' });
    if (pm === 'pm_fake_slow') await sleep(options.slowMs ?? 2_000);

    const intent: FakePaymentIntent = {
      id: fakeId('pi_'),
      object: 'payment_intent',
      amount,
      amount_received: 0,
      currency: String(p.currency),
      status: confirm ? 'processing' : pm ? 'requires_confirmation' : 'requires_payment_method',
      payment_method: pm ?? null,
      latest_charge: null,
      description: typeof p.description === 'string' ? p.description : null,
      metadata: (p.metadata as Record<string, string>) ?? {},
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      capture_method: p.capture_method === 'manual' ? 'manual' : 'automatic',
      cancellation_reason: null,
      confirmation_method: 'automatic',
      automatic_payment_methods: apm ? { enabled: apm.enabled === 'true', allow_redirects: apm.allow_redirects ?? 'always' } : null,
      last_payment_error: null,
      next_action: null,
    };
    paymentIntents.push(intent);
    if (!confirm) return { status: 200, body: intent };

    const decline = pm ? DECLINES[pm] : undefined;
    if (decline) {
      const err = {
        type: 'card_error',
        ...decline,
        charge: fakeId('ch_'),
        doc_url: `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`,
      };
      Object.assign(intent, { status: 'requires_payment_method', last_payment_error: err, payment_method: null });
      return { status: 402, body: { error: { ...err, payment_intent: intent } } };
    }
    if (pm === 'pm_card_authenticationRequired') {
      Object.assign(intent, { status: 'requires_action', next_action: { type: 'use_stripe_sdk', use_stripe_sdk: {} } });
      return { status: 200, body: intent };
    }
    if (intent.capture_method === 'manual') {
      Object.assign(intent, { status: 'requires_capture', latest_charge: fakeId('ch_') });
      return { status: 200, body: intent };
    }
    Object.assign(intent, { status: 'succeeded', amount_received: amount, latest_charge: fakeId('ch_') });
    return { status: 200, body: intent };
  };

  const unexpectedState = (intent: FakePaymentIntent, action: string): Reply =>
    invalid(`This PaymentIntent could not be ${action} because it has a status of ${intent.status}.`, {
      code: 'payment_intent_unexpected_state',
      payment_intent: intent,
    });

  /** Capture of a manual-capture intent: `amount_to_capture` (default all) is taken, the rest released. */
  const captureIntent = (intent: FakePaymentIntent, p: Record<string, unknown>): Reply => {
    if (intent.status !== 'requires_capture') return unexpectedState(intent, 'captured');
    const amount = p.amount_to_capture === undefined ? intent.amount : Number(p.amount_to_capture);
    if (!(amount > 0 && amount <= intent.amount))
      return invalid('amount_to_capture must be at most the amount authorized.', {
        code: 'parameter_invalid_integer',
        param: 'amount_to_capture',
      });
    Object.assign(intent, { status: 'succeeded', amount_received: amount });
    return { status: 200, body: intent };
  };

  const cancelIntent = (intent: FakePaymentIntent): Reply => {
    if (['succeeded', 'canceled'].includes(intent.status)) return unexpectedState(intent, 'canceled');
    Object.assign(intent, { status: 'canceled', cancellation_reason: 'requested_by_customer' });
    return { status: 200, body: intent };
  };

  /** `/v1/payment_intents/{id}`, `/capture`, `/cancel`. */
  const onIntent = (req: ParsedRequest, params: Record<string, unknown>): Reply | undefined => {
    const m = /^\/v1\/payment_intents\/(pi_\w+)(?:\/(capture|cancel))?$/.exec(req.path);
    if (!m) return undefined;
    const intent = paymentIntents.find((pi) => pi.id === m[1]);
    if (!intent) return invalid(`No such payment_intent: '${m[1]}'`, { code: 'resource_missing', param: 'intent' });
    if (req.method === 'GET' && !m[2]) return { status: 200, body: intent };
    if (req.method === 'POST' && m[2] === 'capture') return captureIntent(intent, params);
    if (req.method === 'POST' && m[2] === 'cancel') return cancelIntent(intent);
    return undefined;
  };

  const createRefund = (p: Record<string, unknown>): Reply => {
    const unknown = Object.keys(p).find((k) => !REFUND_PARAMS.has(k));
    if (unknown) return invalid(`Received unknown parameter: ${unknown}`, { code: 'parameter_unknown', param: unknown });
    if (!p.payment_intent && !p.charge)
      return invalid('One of the following params should be provided for this request: payment_intent or charge.', {
        code: 'parameter_missing',
      });
    const intent = paymentIntents.find((pi) => pi.id === p.payment_intent);
    if (!intent)
      return invalid(`No such payment_intent: '${String(p.payment_intent)}'`, { code: 'resource_missing', param: 'payment_intent' });
    if (intent.status !== 'succeeded')
      return invalid(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, { code: 'charge_not_refundable' });
    const refunded = refunds.filter((r) => r.payment_intent === intent.id).reduce((sum, r) => sum + r.amount, 0);
    const left = intent.amount_received - refunded;
    if (left === 0) return invalid(`Charge ${intent.latest_charge} has already been refunded.`, { code: 'charge_already_refunded' });
    if (p.amount !== undefined && !/^\d+$/.test(String(p.amount)))
      return invalid('Invalid integer: ' + String(p.amount), { code: 'parameter_invalid_integer', param: 'amount' });
    const amount = p.amount === undefined ? left : Number(p.amount);
    if (amount <= 0) return invalid('Invalid positive integer', { code: 'parameter_invalid_integer', param: 'amount' });
    if (amount > left) {
      return invalid(`Refund amount (${dollars(amount)}) is greater than unrefunded amount on charge (${dollars(left)})`, {
        code: 'amount_too_large',
        param: 'amount',
      });
    }
    const refund = { id: fakeId('re_'), payment_intent: intent.id, amount, status: 'succeeded' };
    refunds.push(refund);
    return {
      status: 200,
      body: {
        ...refund,
        object: 'refund',
        currency: intent.currency,
        charge: intent.latest_charge,
        created: Math.floor(Date.now() / 1000),
        reason: p.reason ?? null,
        metadata: p.metadata ?? {},
      },
    };
  };

  const searchPaymentIntents = (query: string | undefined): Reply => {
    const clauses = (query ?? '').split(' AND ').map((c) => /^metadata\['([^']+)'\]:'([^']*)'$/.exec(c.trim()));
    if (!query || clauses.some((c) => !c))
      return invalid(`Invalid search query: ${query ?? '(none)'}`, { code: 'parameter_invalid_string', param: 'query' });
    const data = paymentIntents.filter((pi) => clauses.every((c) => pi.metadata[c![1]] === c![2]));
    return { status: 200, body: { object: 'search_result', url: '/v1/payment_intents/search', has_more: false, next_page: null, data } };
  };

  const route = (req: ParsedRequest, params: Record<string, unknown>): Promise<Reply> | Reply => {
    if (req.method === 'GET' && req.path === '/v1/payment_intents/search') return searchPaymentIntents(req.query.query);
    if (req.method === 'POST' && req.path === '/v1/payment_intents') return createPaymentIntent(params);
    if (req.method === 'POST' && req.path === '/v1/refunds') return createRefund(params);
    const onOne = onIntent(req, params);
    if (onOne) return onOne;
    return error(404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${req.path}).`);
  };

  const answer = async (req: ParsedRequest, body: unknown): Promise<Reply> => {
    if (outage) return error(outage, 'api_error', 'The service is temporarily unavailable (fake outage).');
    const auth = req.headers.authorization ?? '';
    if (!auth) {
      return error(
        401,
        'invalid_request_error',
        'You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth.',
      );
    }
    if (!/^Bearer (sk|rk)_(test|live)_\w+$/.test(auth)) return error(401, 'invalid_request_error', 'Invalid API Key provided.');
    if (req.method === 'POST' && !(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return invalid('Invalid request: the body must be application/x-www-form-urlencoded.');
    }
    if (!req.headers['stripe-version']) return invalid('The Stripe-Version header is required by this fake (the SDK always sends it).');
    const params = (body ?? {}) as Record<string, unknown>;

    const key = req.headers['idempotency-key'];
    if (req.method !== 'POST' || !key) return route(req, params);
    if (key.length > 255) return invalid('Idempotency key too long: at most 255 characters.');
    const fingerprint = createHash('sha256').update(`${req.method} ${req.path} ${req.raw}`).digest('hex');
    const previous = saved.get(key);
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        return error(
          400,
          'idempotency_error',
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        );
      }
      if (!previous.reply) {
        return error(
          409,
          'invalid_request_error',
          'There is currently another in-progress request using this Stripe-Idempotency-Key. Please try again later.',
          {
            code: 'idempotency_key_in_use',
          },
        );
      }
      return { ...previous.reply, headers: { ...previous.reply.headers, 'idempotent-replayed': 'true' } };
    }
    const entry: { fingerprint: string; reply?: Reply } = { fingerprint };
    saved.set(key, entry);
    const reply = await route(req, params);
    // Validation failures (400) leave no trace, so a corrected retry with the same key runs.
    if (reply.status === 400) saved.delete(key);
    else entry.reply = reply;
    return reply;
  };

  const server = await startServer(async (req, body) => {
    const reply = await answer(req, body);
    const echo: Record<string, string> = { 'request-id': fakeId('req_', 14) };
    if (req.headers['stripe-version']) echo['stripe-version'] = req.headers['stripe-version'];
    if (req.headers['idempotency-key']) echo['idempotency-key'] = req.headers['idempotency-key'];
    return { ...reply, headers: { ...echo, ...reply.headers } };
  }, parseForm);

  return {
    ...server,
    paymentIntents,
    refunds,
    succeededCharges: () => paymentIntents.filter((pi) => pi.status === 'succeeded'),
    outage: (status) => {
      outage = status;
    },
  };
};
