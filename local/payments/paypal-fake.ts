import { fakeId, parseForm, sleep, startServer, type FakeServer, type ParsedRequest, type Reply } from './http';

/**
 * A local HTTP fake of the PayPal REST endpoints the PayPal gateway adapter uses, for integration tests:
 *
 * - `POST /v1/oauth2/token` (client credentials: Basic auth with the configured client id and secret,
 *   form body `grant_type=client_credentials`);
 * - `GET /v2/checkout/orders/{id}`;
 * - `POST /v2/checkout/orders/{id}/capture` (JSON, `Prefer: return=minimal` by default as PayPal does);
 * - `POST /v2/payments/captures/{id}/refund`.
 *
 * It checks what PayPal checks: a Bearer token it issued (401 `invalid_token` otherwise), a JSON
 * content type (415), the order's state (422 `ORDER_NOT_APPROVED`, `ORDER_ALREADY_CAPTURED`), refund
 * amounts (422 `REFUND_AMOUNT_EXCEEDED`, `CAPTURE_FULLY_REFUNDED`, `REFUND_CURRENCY_MISMATCH`), unknown
 * ids (404 `RESOURCE_NOT_FOUND`). `PayPal-Request-Id` is honoured as PayPal does: a repeated id on the
 * same endpoint replays the first answer instead of acting again.
 *
 * Orders are made by the test with `createOrder` (the fake has no buyer to approve them); its `outcome`
 * says what capturing it does: `capture` (default), `decline` (422 `INSTRUMENT_DECLINED`, the order
 * stays approved, as PayPal lets the buyer pick another instrument), `server_error` (500), or
 * `capture_declined` (201 with a capture in status DECLINED). `outage(503)` fails every request with
 * that status (token requests too) until `outage(null)`; `delay(ms)` makes every answer late.
 */

export interface PayPalFakeOptions {
  clientId?: string;
  clientSecret?: string;
  /** Lifetime of issued access tokens (default 32400 s, PayPal's). */
  tokenTtlSeconds?: number;
}

export type OrderOutcome = 'capture' | 'decline' | 'server_error' | 'capture_declined';

interface Money {
  currency_code: string;
  value: string;
}

interface FakeOrder {
  id: string;
  status: 'CREATED' | 'APPROVED' | 'COMPLETED';
  amount: Money;
  outcome: OrderOutcome;
  captureIds: string[];
}

interface FakeCapture {
  id: string;
  orderId: string;
  status: 'COMPLETED' | 'DECLINED' | 'PARTIALLY_REFUNDED' | 'REFUNDED';
  amount: Money;
  refundedMinor: number;
}

export interface PayPalFake extends FakeServer {
  clientId: string;
  clientSecret: string;
  /** An order as if a buyer had approved it (or not: `status: 'CREATED'`). Returns its id. */
  createOrder(order: {
    amountMinor: number;
    currency?: string;
    outcome?: OrderOutcome;
    status?: 'CREATED' | 'APPROVED';
    id?: string;
  }): string;
  orders: Map<string, FakeOrder>;
  /** Every capture, in order (a DECLINED one took no money). */
  captures: FakeCapture[];
  refunds: { id: string; captureId: string; amount: Money }[];
  tokensIssued(): number;
  /** Makes every access token issued so far invalid (401 `invalid_token`), as a revocation would. */
  revokeTokens(): void;
  outage(status: number | null): void;
  /** Answers every request this much later (0 to stop): PayPal being slow. */
  delay(ms: number): void;
}

export const toValue = (minor: number): string => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
const toMinor = (value: string): number => {
  const [units, cents = ''] = value.split('.');
  return Number(units) * 100 + Number(cents.padEnd(2, '0'));
};

const PAYPAL_ID = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const paypalId = () => fakeId('', 17, PAYPAL_ID);

const failure = (
  status: number,
  name: string,
  message: string,
  details?: { issue: string; description: string; field?: string }[],
): Reply => ({
  status,
  body: {
    name,
    message,
    debug_id: fakeId('', 13, 'abcdef0123456789'),
    ...(details ? { details } : {}),
    links: [
      {
        href: `https://developer.paypal.com/docs/api/orders/v2/#error-${details?.[0]?.issue ?? name}`,
        rel: 'information_link',
        method: 'GET',
      },
    ],
  },
});
const unprocessable = (issue: string, description: string) =>
  failure(
    422,
    'UNPROCESSABLE_ENTITY',
    'The requested action could not be performed, semantically incorrect, or failed business validation.',
    [{ issue, description }],
  );
const notFound = (description: string) =>
  failure(404, 'RESOURCE_NOT_FOUND', 'The specified resource does not exist.', [{ issue: 'INVALID_RESOURCE_ID', description }]);

export const start = async (options: PayPalFakeOptions = {}): Promise<PayPalFake> => {
  const clientId = options.clientId ?? 'fake-client-id';
  const clientSecret = options.clientSecret ?? 'fake-client-secret';
  const tokens = new Map<string, number>(); // token -> expiry (ms)
  const orders = new Map<string, FakeOrder>();
  const captures: FakeCapture[] = [];
  const refunds: PayPalFake['refunds'] = [];
  const replays = new Map<string, Reply>();
  let outage: number | null = null;
  let delayMs = 0;
  let base = '';

  const link = (path: string, rel: string, method = 'GET') => ({ href: `${base}${path}`, rel, method });

  const captureJson = (c: FakeCapture) => ({
    id: c.id,
    status: c.status,
    amount: c.amount,
    final_capture: true,
    seller_protection: { status: 'ELIGIBLE', dispute_categories: ['ITEM_NOT_RECEIVED', 'UNAUTHORIZED_TRANSACTION'] },
    create_time: new Date().toISOString(),
    update_time: new Date().toISOString(),
    links: [link(`/v2/payments/captures/${c.id}`, 'self'), link(`/v2/payments/captures/${c.id}/refund`, 'refund', 'POST')],
  });

  const orderJson = (o: FakeOrder) => ({
    id: o.id,
    intent: 'CAPTURE',
    status: o.status,
    payment_source: {
      paypal: { email_address: 'buyer@example.com', account_id: 'QYR5Z8XDVJNXQ', name: { given_name: 'Ada', surname: 'Buyer' } },
    },
    purchase_units: [
      {
        reference_id: 'default',
        amount: o.amount,
        ...(o.captureIds.length ? { payments: { captures: captures.filter((c) => o.captureIds.includes(c.id)).map(captureJson) } } : {}),
      },
    ],
    create_time: new Date().toISOString(),
    links: [link(`/v2/checkout/orders/${o.id}`, 'self')],
  });

  const minimal = (body: { id: string; status: string; links?: unknown }) => ({ id: body.id, status: body.status, links: body.links });
  const wantsRepresentation = (req: ParsedRequest) => (req.headers.prefer ?? '').includes('return=representation');

  const token = (req: ParsedRequest, body: unknown): Reply => {
    const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    if (req.headers.authorization !== expected)
      return { status: 401, body: { error: 'invalid_client', error_description: 'Client Authentication failed' } };
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'Grant Type is NULL' } };
    }
    if ((body as { grant_type?: string } | undefined)?.grant_type !== 'client_credentials') {
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'unsupported grant_type' } };
    }
    const accessToken = fakeId('A21AA', 90, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');
    const ttl = options.tokenTtlSeconds ?? 32_400;
    tokens.set(accessToken, Date.now() + ttl * 1000);
    return {
      status: 200,
      body: {
        scope: 'https://uri.paypal.com/services/payments/payment',
        access_token: accessToken,
        token_type: 'Bearer',
        app_id: 'APP-80W284485P519543T',
        expires_in: ttl,
        nonce: fakeId('', 20),
      },
    };
  };

  const capture = (req: ParsedRequest, order: FakeOrder | undefined): Reply => {
    if (!order) return notFound('Specified resource ID does not exist. Please check the resource ID and try again.');
    if (order.status === 'COMPLETED')
      return unprocessable('ORDER_ALREADY_CAPTURED', "Order already captured.If 'intent=CAPTURE' only one capture per order is allowed.");
    if (order.status !== 'APPROVED') {
      return unprocessable(
        'ORDER_NOT_APPROVED',
        "Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url returned as part of the HATEOAS links within the Create Order call or provide a valid payment_source in the request.",
      );
    }
    if (order.outcome === 'decline') {
      return unprocessable(
        'INSTRUMENT_DECLINED',
        "The instrument presented  was either declined by the processor or bank, or it can't be used for this payment.",
      );
    }
    if (order.outcome === 'server_error') return failure(500, 'INTERNAL_SERVER_ERROR', 'An internal server error has occurred.');
    const c: FakeCapture = {
      id: paypalId(),
      orderId: order.id,
      status: order.outcome === 'capture_declined' ? 'DECLINED' : 'COMPLETED',
      amount: order.amount,
      refundedMinor: 0,
    };
    captures.push(c);
    order.captureIds.push(c.id);
    order.status = 'COMPLETED';
    const body = orderJson(order);
    return { status: 201, body: wantsRepresentation(req) ? body : minimal(body) };
  };

  const refund = (req: ParsedRequest, c: FakeCapture | undefined, body: unknown): Reply => {
    if (!c || c.status === 'DECLINED') return notFound('Specified resource ID does not exist. Please check the resource ID and try again.');
    const amount = (body as { amount?: Money } | undefined)?.amount;
    const capturedMinor = toMinor(c.amount.value);
    const left = capturedMinor - c.refundedMinor;
    if (left === 0) return unprocessable('CAPTURE_FULLY_REFUNDED', 'The capture has already been fully refunded');
    if (amount && (typeof amount.value !== 'string' || !/^\d+(\.\d{1,2})?$/.test(amount.value) || !amount.currency_code)) {
      return failure(400, 'INVALID_REQUEST', 'Request is not well-formed, syntactically incorrect, or violates schema.', [
        { field: '/amount', issue: 'INVALID_PARAMETER_VALUE', description: 'The value of a field is invalid.' },
      ]);
    }
    if (amount && amount.currency_code !== c.amount.currency_code)
      return unprocessable('REFUND_CURRENCY_MISMATCH', 'Refund must be in the same currency as the capture.');
    const minor = amount ? toMinor(amount.value) : left;
    if (minor > left)
      return unprocessable(
        'REFUND_AMOUNT_EXCEEDED',
        'The refund amount must be less than or equal to the capture amount that has not yet been refunded.',
      );
    c.refundedMinor += minor;
    c.status = c.refundedMinor === capturedMinor ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    const r = { id: paypalId(), captureId: c.id, amount: { currency_code: c.amount.currency_code, value: toValue(minor) } };
    refunds.push(r);
    const full = {
      id: r.id,
      status: 'COMPLETED',
      amount: r.amount,
      create_time: new Date().toISOString(),
      links: [link(`/v2/payments/refunds/${r.id}`, 'self')],
    };
    return { status: 201, body: wantsRepresentation(req) ? full : minimal(full) };
  };

  const answer = (req: ParsedRequest, body: unknown): Reply => {
    if (outage) return failure(outage, 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable (fake outage).');
    if (req.method === 'POST' && req.path === '/v1/oauth2/token') return token(req, body);

    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expiry = bearer ? tokens.get(bearer) : undefined;
    if (!expiry || expiry < Date.now()) {
      return {
        status: 401,
        body: {
          error: 'invalid_token',
          error_description: bearer ? 'Access Token not found in cache' : 'No permission for the requested operation',
        },
      };
    }
    if (req.method === 'POST' && !(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return failure(415, 'UNSUPPORTED_MEDIA_TYPE', "The server does not support the request payload's media type.");
    }
    if (req.method === 'POST' && req.raw && (body === undefined || typeof body !== 'object' || body === null)) {
      return failure(400, 'INVALID_REQUEST', 'Request is not well-formed, syntactically incorrect, or violates schema.', [
        { issue: 'MALFORMED_REQUEST_JSON', description: 'The request JSON is not well formed.' },
      ]);
    }

    let m = /^\/v2\/checkout\/orders\/([^/]+)$/.exec(req.path);
    if (m && req.method === 'GET') {
      const order = orders.get(decodeURIComponent(m[1]));
      return order
        ? { status: 200, body: orderJson(order) }
        : notFound('Specified resource ID does not exist. Please check the resource ID and try again.');
    }
    m = /^\/v2\/checkout\/orders\/([^/]+)\/capture$/.exec(req.path);
    const n = /^\/v2\/payments\/captures\/([^/]+)\/refund$/.exec(req.path);
    if (req.method !== 'POST' || !(m || n)) return failure(404, 'NOT_FOUND', `No route for ${req.method} ${req.path} in the PayPal fake.`);

    const requestId = req.headers['paypal-request-id'];
    const replayKey = requestId && `${req.path} ${requestId}`;
    const replay = replayKey ? replays.get(replayKey) : undefined;
    if (replay) return replay;
    const reply = m
      ? capture(req, orders.get(decodeURIComponent(m[1])))
      : refund(
          req,
          captures.find((c) => c.id === decodeURIComponent(n![1])),
          body,
        );
    // A server error is not kept: PayPal keeps the answer of a request it processed.
    if (replayKey && reply.status < 500) replays.set(replayKey, reply);
    return reply;
  };

  const server = await startServer(
    async (req, body) => {
      if (delayMs) await sleep(delayMs);
      const reply = answer(req, body);
      return { ...reply, headers: { 'paypal-debug-id': fakeId('', 13, 'abcdef0123456789'), ...reply.headers } };
    },
    (raw, headers) => ((headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? parseForm(raw) : JSON.parse(raw)),
  );
  base = server.url;

  return {
    ...server,
    clientId,
    clientSecret,
    orders,
    captures,
    refunds,
    createOrder: ({ amountMinor, currency = 'USD', outcome = 'capture', status = 'APPROVED', id = paypalId() }) => {
      orders.set(id, { id, status, amount: { currency_code: currency, value: toValue(amountMinor) }, outcome, captureIds: [] });
      return id;
    },
    tokensIssued: () => tokens.size,
    revokeTokens: () => {
      for (const t of tokens.keys()) tokens.set(t, 0);
    },
    outage: (status) => {
      outage = status;
    },
    delay: (ms) => {
      delayMs = ms;
    },
  };
};
