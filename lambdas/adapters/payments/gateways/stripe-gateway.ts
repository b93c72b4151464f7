import { Stripe } from './payment-sdks';
import {
  GatewayUnavailable,
  type AuthoriseRequest,
  type AuthoriseResult,
  type CaptureRequest,
  type CaptureResult,
  type ChargeRequest,
  type ChargeResult,
  type HoldRequest,
  type PaymentGateway,
  type RefundRequest,
  type ReleaseResult,
  type VoidResult,
} from '../../../domain/payments/gateway';

export interface StripeGatewayOptions {
  /** Where the API is: Stripe's by default; a local fake in tests (`{ host: '127.0.0.1', port, protocol: 'http' }`). */
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /**
   * Per-request timeout (default 6 s): shorter than the router's (8 s), so the adapter reports the
   * timeout itself as GatewayUnavailable before the router gives up on it.
   */
  timeoutMs?: number;
}

/** What a card-like source may be sent to Stripe as: a PaymentMethod id (`pm_...`) from Stripe.js or a wallet. */
const paymentMethodOf = (request: ChargeRequest | AuthoriseRequest): string => {
  switch (request.source.type) {
    case 'card_token':
    case 'wallet_token':
      // Apple Pay and Google Pay reach Stripe as payment method tokens too (Stripe.js's Payment Request Button).
      return request.source.token;
    case 'paypal_order':
      // The method registry never routes PayPal to Stripe: this is a wiring bug, not a decline.
      throw new Error('stripe: cannot charge a PayPal order');
  }
};

/** Stripe ids of payment instruments are tokens: kept out of our error messages and logs. */
const redact = (text: string) => text.replace(/\b(pm|tok|card|src|ba|btok|seti|pi)_[A-Za-z0-9_]+/g, '$1_…');

/**
 * The Stripe gateway, on the official `stripe` SDK. A charge is one PaymentIntent created and confirmed
 * in the same call (`confirm: true`), with automatic payment methods minus redirects (our API has no
 * page to come back to), carrying our idempotency key so a retry returns the first PaymentIntent
 * instead of charging again. The reference is the PaymentIntent id; a refund names it.
 *
 * How Stripe's answers map onto the port:
 * - status `succeeded` -> succeeded;
 * - a card error (402: declined, expired, insufficient funds...), or status `requires_payment_method`,
 *   `requires_action` (3-D Secure, which this API cannot complete) or `canceled` -> declined, with
 *   Stripe's message and code;
 * - no connection, timeout, 5xx, 429 -> GatewayUnavailable (another gateway may take it);
 * - anything else (401 bad key, 400 bad request, idempotency misuse, 409 "same key in flight", an
 *   unexpected status such as `processing`) -> a plain Error: our bug or a state to look at, never
 *   retried on another gateway.
 *
 * The SDK's own retries are off (`maxNetworkRetries: 0`): the router decides what happens next.
 */
export class StripeGateway implements PaymentGateway {
  readonly id = 'stripe' as const;
  private readonly stripe: Stripe;

  constructor(secretKey: string, options: StripeGatewayOptions = {}) {
    this.stripe = new Stripe(secretKey, {
      maxNetworkRetries: 0,
      timeout: options.timeoutMs ?? 6_000,
      ...(options.host ? { host: options.host } : {}),
      ...(options.port ? { port: options.port } : {}),
      ...(options.protocol ? { protocol: options.protocol } : {}),
      appInfo: { name: 'car-rental-platform' },
    });
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const created = await this.createIntent(request, {});
    return 'outcome' in created ? created : outcomeOf(created);
  }

  /**
   * A hold: a PaymentIntent confirmed with `capture_method: manual`, which ends `requires_capture`. Stripe
   * keeps an online card hold 7 days (the charge's `capture_before` says exactly; 7 days from creation is
   * the rule for the cards this API takes).
   */
  async authorise(request: AuthoriseRequest): Promise<AuthoriseResult> {
    const created = await this.createIntent(request, { capture_method: 'manual' });
    if ('outcome' in created) return created;
    if (created.status !== 'requires_capture') {
      const answer = outcomeOf(created);
      if (answer.outcome === 'declined') return answer;
      throw new Error(`stripe: PaymentIntent ${created.id} is ${created.status} after a manual-capture confirmation`);
    }
    return { outcome: 'authorised', reference: created.id, expiresAt: new Date((created.created + HOLD_SECONDS) * 1000).toISOString() };
  }

  /** `amount_to_capture`: Stripe takes that much and releases the rest of the hold at once. */
  async capture(request: CaptureRequest): Promise<CaptureResult> {
    try {
      const intent = await this.stripe.paymentIntents.capture(
        request.reference,
        { amount_to_capture: request.amountMinor },
        { idempotencyKey: request.idempotencyKey },
      );
      if (intent.status === 'succeeded') return { outcome: 'captured', reference: intent.id };
      throw new Error(`stripe: PaymentIntent ${intent.id} is ${intent.status} after capture`);
    } catch (err) {
      if (err instanceof Stripe.errors.StripeCardError)
        return { outcome: 'failed', reason: declineReason(err.message, err.decline_code || err.code) };
      const state = await this.stateAfterRefusal(err, request.reference, 'capture');
      // Captured before (a retry with a new key after a crash): the capture is done.
      if (state.status === 'succeeded') return { outcome: 'captured', reference: state.id };
      if (state.status === 'canceled' && state.cancellation_reason === 'automatic') return { outcome: 'expired' };
      throw new Error(`stripe: cannot capture PaymentIntent ${state.id}: it is ${state.status}`);
    }
  }

  async void(request: HoldRequest): Promise<VoidResult> {
    try {
      await this.stripe.paymentIntents.cancel(request.reference, {}, { idempotencyKey: request.idempotencyKey });
      return { outcome: 'voided' };
    } catch (err) {
      const state = await this.stateAfterRefusal(err, request.reference, 'void');
      if (state.status === 'canceled') return state.cancellation_reason === 'automatic' ? { outcome: 'expired' } : { outcome: 'voided' };
      throw new Error(`stripe: cannot void PaymentIntent ${state.id}: it is ${state.status}`);
    }
  }

  /** A cancel, where a PaymentIntent already captured or cancelled (by us, or by Stripe at expiry) is released too. */
  async release(request: HoldRequest): Promise<ReleaseResult> {
    try {
      await this.stripe.paymentIntents.cancel(request.reference, {}, { idempotencyKey: request.idempotencyKey });
    } catch (err) {
      const state = await this.stateAfterRefusal(err, request.reference, 'release');
      if (state.status !== 'succeeded' && state.status !== 'canceled')
        throw new Error(`stripe: cannot release PaymentIntent ${state.id}: it is ${state.status}`);
    }
    return { outcome: 'released' };
  }

  /**
   * A PaymentIntent created and confirmed with our idempotency key, or the decline Stripe answered.
   * `extra` adds the hold's `capture_method`.
   */
  private async createIntent(
    request: ChargeRequest | AuthoriseRequest,
    extra: Pick<Stripe.PaymentIntentCreateParams, 'capture_method'>,
  ): Promise<Stripe.PaymentIntent | { outcome: 'declined'; reason: string }> {
    const paymentMethod = paymentMethodOf(request);
    try {
      return await this.stripe.paymentIntents.create(
        {
          amount: request.amountMinor,
          currency: request.currency.toLowerCase(),
          payment_method: paymentMethod,
          confirm: true,
          ...extra,
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          description: request.description,
          // So the reconciler can find the intent by our key (search) when we never learnt its id.
          metadata: { idempotency_key: request.idempotencyKey },
        },
        { idempotencyKey: request.idempotencyKey },
      );
    } catch (err) {
      if (err instanceof Stripe.errors.StripeCardError)
        return { outcome: 'declined', reason: declineReason(err.message, err.decline_code || err.code) };
      // A payment method Stripe does not know (or cannot use) is the client's bad input: a final answer
      // (422), not our error; nothing was created at Stripe.
      if (err instanceof Stripe.errors.StripeInvalidRequestError && err.param === 'payment_method')
        return { outcome: 'declined', reason: declineReason(`Stripe refused the payment method: ${redact(err.message)}`, err.code) };
      throw this.failure(err, extra.capture_method === 'manual' ? 'authorise' : 'charge');
    }
  }

  /**
   * After Stripe refused a capture or cancel because of the PaymentIntent's state (already captured,
   * cancelled, lapsed), the PaymentIntent as it is now, for the caller to judge; any other error is thrown.
   */
  private async stateAfterRefusal(err: unknown, reference: string, what: HoldOperation): Promise<Stripe.PaymentIntent> {
    if (!(err instanceof Stripe.errors.StripeInvalidRequestError) || err.code !== 'payment_intent_unexpected_state')
      throw this.failure(err, what);
    try {
      return await this.stripe.paymentIntents.retrieve(reference);
    } catch (retrieveErr) {
      throw this.failure(retrieveErr, what);
    }
  }

  /** The PaymentIntent created with this idempotency key (our metadata), found with Stripe's search. */
  async lookup(request: { idempotencyKey: string }): Promise<ChargeResult | { outcome: 'pending' } | { outcome: 'unknown' }> {
    let found: Stripe.ApiSearchResult<Stripe.PaymentIntent>;
    try {
      found = await this.stripe.paymentIntents.search({ query: `metadata['idempotency_key']:'${request.idempotencyKey}'`, limit: 10 });
    } catch (err) {
      throw this.failure(err, 'lookup');
    }
    // One that took the money wins (there is one intent per key unless someone retried by hand).
    const intent = found.data.find((pi) => pi.status === 'succeeded') ?? found.data[0];
    if (!intent) return { outcome: 'unknown' };
    if (['processing', 'requires_confirmation', 'requires_capture'].includes(intent.status)) return { outcome: 'pending' };
    return outcomeOf(intent);
  }

  async refund(request: RefundRequest): Promise<{ reference: string }> {
    try {
      const refund = await this.stripe.refunds.create(
        { payment_intent: request.reference, amount: request.amountMinor },
        { idempotencyKey: request.idempotencyKey },
      );
      if (refund.status === 'failed' || refund.status === 'canceled') {
        throw new Error(
          `stripe: refund ${refund.id} of ${request.reference} is ${refund.status}${refund.failure_reason ? ` (${refund.failure_reason})` : ''}`,
        );
      }
      return { reference: refund.id };
    } catch (err) {
      throw this.failure(err, 'refund');
    }
  }

  /** Unavailable (the router may go elsewhere) or a plain Error (ours to fix), with no token in the text. */
  private failure(err: unknown, what: 'charge' | 'refund' | 'lookup' | HoldOperation): Error {
    if (!(err instanceof Stripe.errors.StripeError)) return err as Error;
    const status = err.statusCode;
    if (err instanceof Stripe.errors.StripeConnectionError) {
      return new GatewayUnavailable(this.id, /timeout/i.test(err.message) ? `${what} timed out` : `${what}: no connection`);
    }
    if (status === 429 || (status !== undefined && status >= 500)) {
      return new GatewayUnavailable(this.id, `${what}: HTTP ${status}${err.requestId ? ` (request ${err.requestId})` : ''}`);
    }
    const details = [
      status && `HTTP ${status}`,
      err.code,
      err.param && `param ${err.param}`,
      err.requestId && `request ${err.requestId}`,
    ].filter(Boolean);
    return new Error(`stripe: ${what} refused (${details.join(', ')}): ${redact(err.message)}`);
  }
}

type HoldOperation = 'authorise' | 'capture' | 'void' | 'release';

/** Stripe's hold on an online card payment: 7 days. */
const HOLD_SECONDS = 7 * 86_400;

const declineReason = (message: string, code: string | null | undefined) => (code ? `${message} (${code})` : message);

/** What a PaymentIntent's status means for the port. */
const outcomeOf = (intent: Stripe.PaymentIntent): ChargeResult => {
  switch (intent.status) {
    case 'succeeded':
      return { outcome: 'succeeded', reference: intent.id };
    case 'requires_action':
      return {
        outcome: 'declined',
        reason: declineReason(
          'This card needs the cardholder to authenticate (3-D Secure), which this API cannot complete. Use another card.',
          'authentication_required',
        ),
      };
    case 'requires_payment_method':
    case 'canceled': {
      const last = intent.last_payment_error;
      return {
        outcome: 'declined',
        reason: declineReason(last?.message ?? 'The payment was not completed.', last?.decline_code ?? last?.code),
      };
    }
    default:
      throw new Error(
        `stripe: PaymentIntent ${intent.id} is ${intent.status} after confirmation; not a final answer (look it up in the dashboard)`,
      );
  }
};
