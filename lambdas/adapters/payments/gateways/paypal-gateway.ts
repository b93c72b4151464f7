import { Agent as HttpsAgent, type AgentOptions } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import {
  AbortError,
  ApiError,
  AuthorizationStatus,
  CaptureStatus,
  Client,
  Environment,
  OrdersController,
  PaymentsController,
  RefundStatus,
  type OAuthToken,
  type Order,
} from './payment-sdks';
import {
  GatewayUnavailable,
  type AuthoriseRequest,
  type AuthoriseResult,
  type CaptureRequest,
  type CaptureResult,
  type ChargeRequest,
  type ChargeResult,
  type CurrencyCode,
  type HoldRequest,
  type PaymentGateway,
  type RefundRequest,
  type ReleaseResult,
  type VoidResult,
} from '../../../domain/payments/gateway';
import { isCurrencyCode, minorDigits } from '../../../domain/money';
import { logger } from '../../../shared/logger';

export interface PayPalGatewayOptions {
  /** `sandbox` (default) or `production`: PayPal's two hosts. */
  environment?: 'sandbox' | 'production';
  /**
   * Another base URL (a local fake, a recording proxy): e.g. `http://127.0.0.1:4010`. The SDK has no
   * such setting (its base URL is fixed per environment), so requests still name PayPal's sandbox host
   * and an https agent connects them to this address instead; see `redirectingAgent`.
   */
  baseUrl?: string;
  /** Per-request timeout (default 6 s), below the router's 8 s. */
  timeoutMs?: number;
}

const PAYPAL_HOSTS: Record<string, 'sandbox' | 'production'> = {
  'https://api-m.sandbox.paypal.com': 'sandbox',
  'https://api-m.paypal.com': 'production',
};

/**
 * `@paypal/paypal-server-sdk` (2.x) builds every URL from `Environment.Sandbox | Production` and
 * nothing else: `getBaseUri` throws for any other value, and there is no base-URL option. What it does
 * take is an https agent (`httpClientOptions.httpsAgent`, a stable option passed to axios). This one
 * keeps the SDK's URLs (`https://api-m.sandbox.paypal.com/...`, Host header included) but opens each
 * connection to `base`: plain TCP for an `http:` base, TLS (checked against the base's host name)
 * for an `https:` one.
 */
export const redirectingAgent = (base: URL, options: AgentOptions = {}): HttpsAgent => {
  const host = base.hostname;
  const secure = base.protocol === 'https:';
  const port = Number(base.port || (secure ? 443 : 80));
  class RedirectingAgent extends HttpsAgent {
    createConnection(): Socket {
      return secure ? tlsConnect({ host, port, servername: host }) : netConnect({ host, port });
    }
  }
  return new RedirectingAgent({ keepAlive: true, ...options });
};

/** PayPal's amounts are decimal strings with the currency's own digits (USD 2, JPY 0). */
const toValue = (minor: number, currency: CurrencyCode): string => {
  const digits = minorDigits(currency);
  if (digits === 0) return String(minor);
  const text = String(minor).padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
};
const toMinor = (value: string, currency: CurrencyCode): number | undefined => {
  const digits = minorDigits(currency);
  const m = /^(\d+)(?:\.(\d+))?$/.exec(value);
  if (!m || (m[2] ?? '').length > digits) return undefined;
  return Number(m[1]) * 10 ** digits + Number((m[2] ?? '').padEnd(digits, '0') || '0');
};

/** PayPal's 422 issues that say what became of an authorisation (a capture, void or release refused for its state). */
const EXPIRED_ISSUES = new Set(['AUTHORIZATION_EXPIRED']);
const ENDED_ISSUES = new Set([
  'AUTHORIZATION_ALREADY_CAPTURED',
  'AUTHORIZATION_VOIDED',
  'PREVIOUSLY_VOIDED',
  'CANNOT_BE_VOIDED',
  'AUTHORIZATION_EXPIRED',
]);
const VOIDED_ISSUES = new Set(['AUTHORIZATION_VOIDED', 'PREVIOUSLY_VOIDED']);

/** PayPal keeps an authorisation 29 days (3 of them honoured for sure); used when it does not say. */
const HOLD_MS = 29 * 86_400_000;

interface PayPalErrorBody {
  name?: string;
  message?: string;
  debug_id?: string;
  details?: { issue?: string; description?: string }[];
  error?: string;
  error_description?: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EPIPE',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/**
 * The PayPal gateway, on `@paypal/paypal-server-sdk` (Orders v2). The client approved an order with
 * PayPal's JS SDK and sends its id; a charge captures it:
 *
 * 1. `getOrder`: the order must be for exactly our amount and currency. PayPal charges what the order
 *    says, not what we ask, so an order approved for less is declined here before anything is captured.
 * 2. `captureOrder` with `PayPal-Request-Id` = our idempotency key, so a retry replays the first capture
 *    instead of failing with ORDER_ALREADY_CAPTURED. The reference is the capture id, which refunds name.
 *
 * Mapping onto the port: capture COMPLETED (or PENDING: PayPal holds the funds for review and reports
 * the outcome later; logged) -> succeeded; a 422 (INSTRUMENT_DECLINED, ORDER_NOT_APPROVED,
 * ORDER_ALREADY_CAPTURED, PAYER_ACTION_REQUIRED...), an unknown order (404) or a capture DECLINED or
 * FAILED -> declined with PayPal's issue; no connection, timeout, 5xx, 429 -> GatewayUnavailable; 400,
 * 401, 403 (our request or credentials) -> a plain Error.
 */
export class PayPalGateway implements PaymentGateway {
  readonly id = 'paypal' as const;
  private api?: { orders: OrdersController; payments: PaymentsController };
  /** Kept across client rebuilds, so a rebuild does not cost a token request. */
  private token?: OAuthToken;
  private readonly environment: Environment;
  private readonly httpsAgent?: HttpsAgent;
  private readonly timeoutMs: number;

  constructor(
    private readonly clientId: string,
    private readonly clientSecret: string,
    options: PayPalGatewayOptions = {},
  ) {
    const base = options.baseUrl?.replace(/\/+$/, '');
    const known = base ? PAYPAL_HOSTS[base] : (options.environment ?? 'sandbox');
    this.environment = known === 'production' ? Environment.Production : Environment.Sandbox;
    if (base && !known) this.httpsAgent = redirectingAgent(new URL(base));
    this.timeoutMs = options.timeoutMs ?? 6_000;
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    if (request.source.type !== 'paypal_order') {
      // The method registry only routes PayPal orders here: anything else is a wiring bug.
      throw new Error(`paypal: cannot charge a ${request.source.type}`);
    }
    const id = request.source.orderId;
    try {
      const { result: order } = await this.client().orders.getOrder({ id });
      const mismatch = this.amountMismatch(order, request);
      if (mismatch) return { outcome: 'declined', reason: mismatch };

      const { result: captured } = await this.client().orders.captureOrder({
        id,
        paypalRequestId: request.idempotencyKey,
        // The default (return=minimal) leaves out the purchase units, where the capture is.
        prefer: 'return=representation',
        body: {},
      });
      const capture = captured.purchaseUnits?.[0]?.payments?.captures?.[0];
      if (!capture?.id) throw new Error(`paypal: order capture answered ${captured.status ?? 'no status'} without a capture`);
      switch (capture.status) {
        case CaptureStatus.Completed:
          return { outcome: 'succeeded', reference: capture.id };
        case CaptureStatus.Pending:
          logger.warn('paypal capture pending', { gateway: this.id, capture: capture.id, reason: capture.statusDetails?.reason });
          return { outcome: 'succeeded', reference: capture.id };
        case CaptureStatus.Declined:
        case CaptureStatus.Failed:
          return { outcome: 'declined', reason: `PayPal declined the payment (capture ${capture.status})` };
        default:
          throw new Error(`paypal: capture ${capture.id} is ${capture.status ?? 'without a status'}`);
      }
    } catch (err) {
      const declined = this.declineOf(err);
      if (declined) return declined;
      throw this.failure(err, 'charge');
    }
  }

  async refund(request: RefundRequest): Promise<{ reference: string }> {
    try {
      const { result } = await this.client().payments.refundCapturedPayment({
        captureId: request.reference,
        paypalRequestId: request.idempotencyKey,
        prefer: 'return=minimal',
        body: { amount: { currencyCode: request.currency, value: toValue(request.amountMinor, request.currency) } },
      });
      if (!result.id) throw new Error('paypal: refund answered without an id');
      if (result.status === RefundStatus.Failed || result.status === RefundStatus.Cancelled)
        throw new Error(`paypal: refund ${result.id} is ${result.status}`);
      return { reference: result.id };
    } catch (err) {
      throw this.failure(err, 'refund');
    }
  }

  /**
   * A hold: the client approved an order made with intent AUTHORIZE; `authorizeOrder` (with our
   * `PayPal-Request-Id`) turns it into an authorisation, whose id is the reference.
   */
  async authorise(request: AuthoriseRequest): Promise<AuthoriseResult> {
    if (request.source.type !== 'paypal_order') throw new Error(`paypal: cannot authorise a ${request.source.type}`);
    const id = request.source.orderId;
    try {
      const { result: order } = await this.client().orders.getOrder({ id });
      const mismatch = this.amountMismatch(order, request);
      if (mismatch) return { outcome: 'declined', reason: mismatch };
      const { result: authorized } = await this.client().orders.authorizeOrder({
        id,
        paypalRequestId: request.idempotencyKey,
        prefer: 'return=representation',
        body: {},
      });
      const authorization = authorized.purchaseUnits?.[0]?.payments?.authorizations?.[0];
      if (!authorization?.id)
        throw new Error(`paypal: order authorization answered ${authorized.status ?? 'no status'} without an authorization`);
      switch (authorization.status) {
        case AuthorizationStatus.Created:
        case AuthorizationStatus.Pending:
          return {
            outcome: 'authorised',
            reference: authorization.id,
            expiresAt: new Date(authorization.expirationTime ?? Date.now() + HOLD_MS).toISOString(),
          };
        case AuthorizationStatus.Denied:
          return { outcome: 'declined', reason: 'PayPal declined the authorization (DENIED)' };
        default:
          throw new Error(`paypal: authorization ${authorization.id} is ${authorization.status ?? 'without a status'}`);
      }
    } catch (err) {
      const declined = this.declineOf(err);
      if (declined) return declined;
      throw this.failure(err, 'authorise');
    }
  }

  /** A final capture (`final_capture: true`): PayPal releases what is not captured. */
  async capture(request: CaptureRequest): Promise<CaptureResult> {
    try {
      const { result: capture } = await this.client().payments.captureAuthorizedPayment({
        authorizationId: request.reference,
        paypalRequestId: request.idempotencyKey,
        prefer: 'return=representation',
        body: { amount: { currencyCode: request.currency, value: toValue(request.amountMinor, request.currency) }, finalCapture: true },
      });
      if (!capture.id) throw new Error('paypal: capture answered without an id');
      if (capture.status === CaptureStatus.Declined || capture.status === CaptureStatus.Failed)
        return { outcome: 'failed', reason: `PayPal declined the capture (${capture.status})` };
      return { outcome: 'captured', reference: capture.id };
    } catch (err) {
      const issue = this.issueOf(err);
      if (issue && EXPIRED_ISSUES.has(issue)) return { outcome: 'expired' };
      if (issue && !ENDED_ISSUES.has(issue)) return { outcome: 'failed', reason: `PayPal refused the capture (${issue})` };
      throw this.failure(err, 'capture');
    }
  }

  async void(request: HoldRequest): Promise<VoidResult> {
    try {
      await this.client().payments.voidPayment({ authorizationId: request.reference, paypalRequestId: request.idempotencyKey });
      return { outcome: 'voided' };
    } catch (err) {
      const issue = this.issueOf(err);
      if (issue && EXPIRED_ISSUES.has(issue)) return { outcome: 'expired' };
      if (issue && VOIDED_ISSUES.has(issue)) return { outcome: 'voided' };
      throw this.failure(err, 'void');
    }
  }

  /** A void, where an authorisation already captured, voided or lapsed counts as released. */
  async release(request: HoldRequest): Promise<ReleaseResult> {
    try {
      await this.client().payments.voidPayment({ authorizationId: request.reference, paypalRequestId: request.idempotencyKey });
    } catch (err) {
      const issue = this.issueOf(err);
      if (!issue || !ENDED_ISSUES.has(issue)) throw this.failure(err, 'release');
    }
    return { outcome: 'released' };
  }

  /** The issue of PayPal's 422 (UNPROCESSABLE_ENTITY), if that is what `err` is. */
  private issueOf(err: unknown): string | undefined {
    if (!(err instanceof ApiError) || err.statusCode !== 422) return undefined;
    const body = errorBody(err);
    return body.details?.[0]?.issue ?? body.name;
  }

  private client() {
    if (!this.api) {
      const client = new Client({
        environment: this.environment,
        timeout: this.timeoutMs,
        clientCredentialsAuthCredentials: {
          oAuthClientId: this.clientId,
          oAuthClientSecret: this.clientSecret,
          ...(this.token ? { oAuthToken: this.token } : {}),
          oAuthOnTokenUpdate: (token) => {
            this.token = token;
          },
        },
        httpClientOptions: {
          timeout: this.timeoutMs,
          // No retries in the SDK: the router decides (and the SDK would only retry GET and PUT anyway).
          retryConfig: { maxNumberOfRetries: 0 },
          ...(this.httpsAgent ? { httpsAgent: this.httpsAgent } : {}),
        },
      });
      this.api = { orders: new OrdersController(client), payments: new PaymentsController(client) };
    }
    return this.api;
  }

  private amountMismatch(order: Order, request: ChargeRequest | AuthoriseRequest): string | undefined {
    const units = order.purchaseUnits ?? [];
    if (units.length !== 1) return `The PayPal order has ${units.length} purchase units; exactly one is expected.`;
    const amount = units[0].amount;
    const minor = amount && isCurrencyCode(amount.currencyCode) ? toMinor(amount.value, amount.currencyCode) : undefined;
    if (!amount) return 'The PayPal order has no amount.';
    if (amount.currencyCode !== request.currency || minor !== request.amountMinor) {
      return `The PayPal order is for ${amount.value} ${amount.currencyCode}, not ${toValue(request.amountMinor, request.currency)} ${request.currency}.`;
    }
    return undefined;
  }

  private declineOf(err: unknown): { outcome: 'declined'; reason: string } | undefined {
    if (!(err instanceof ApiError) || (err.statusCode !== 422 && err.statusCode !== 404)) return undefined;
    const body = errorBody(err);
    // A 404 without PayPal's error body is a wrong URL (a proxy, a misconfigured base URL), not an unknown order.
    if (err.statusCode === 404 && body.name !== 'RESOURCE_NOT_FOUND') return undefined;
    const detail = body.details?.[0];
    const issue = detail?.issue ?? body.name ?? `HTTP ${err.statusCode}`;
    const text =
      err.statusCode === 404 ? 'PayPal does not know this order.' : (detail?.description ?? body.message ?? 'PayPal refused the payment.');
    return { outcome: 'declined', reason: `${text.replace(/\s+/g, ' ').trim()} (${issue})` };
  }

  /** Unavailable (the router may go elsewhere) or a plain Error. Never carries the SDK's request (it holds the token). */
  private failure(err: unknown, what: 'charge' | 'refund' | 'authorise' | 'capture' | 'void' | 'release'): Error {
    if (err instanceof ApiError) {
      const status = err.statusCode;
      if (status === 429 || status >= 500) {
        // A request that could not be answered may have been the token request: start from a fresh client
        // (see the note at the end of this file).
        this.api = undefined;
        return new GatewayUnavailable(this.id, `${what}: HTTP ${status}`);
      }
      const body = errorBody(err);
      const name = body.name ?? body.error ?? 'error';
      const detail = body.details?.[0]?.issue ?? body.error_description ?? body.message ?? '';
      if (status === 401) {
        // A token PayPal no longer accepts (revoked, or expired early): forget it, the next call asks for another.
        this.api = undefined;
        this.token = undefined;
      }
      return new Error(
        `paypal: ${what} refused (HTTP ${status}, ${name}${detail ? `: ${detail}` : ''}${body.debug_id ? `, debug id ${body.debug_id}` : ''})`,
      );
    }
    const e = err as { code?: string; message?: string; isAxiosError?: boolean } | undefined;
    if (err instanceof AbortError || NETWORK_CODES.has(e?.code ?? '') || e?.isAxiosError) {
      this.api = undefined;
      return new GatewayUnavailable(
        this.id,
        /timeout/i.test(e?.message ?? '') || e?.code === 'ECONNABORTED'
          ? `${what} timed out`
          : `${what}: no connection (${e?.code ?? 'network'})`,
      );
    }
    return err as Error;
  }
}

const errorBody = (err: ApiError<unknown>): PayPalErrorBody => {
  if (err.result && typeof err.result === 'object') return err.result;
  if (typeof err.body === 'string') {
    try {
      return JSON.parse(err.body) as PayPalErrorBody;
    } catch {
      return {};
    }
  }
  return {};
};

/*
 * Why a failed call drops the client: the SDK (via @apimatic/oauth-adapters) keeps the access token as
 * one shared promise; when a token request fails, that promise stays rejected and every later call of
 * the same client fails with the same error, even after PayPal is back. A fresh client starts from the
 * last good token we kept (`oAuthOnTokenUpdate`), or asks for a new one.
 */
