/**
 * The port every payment gateway adapter implements (Stripe, PayPal, the local sandbox). The payment
 * service never knows which one it talks to: a method's strategy says which gateways may take it (a
 * primary and a fallback), and the gateway router picks one that is up.
 */
export type GatewayId = 'stripe' | 'paypal' | 'sandbox';

/**
 * An ISO 4217 code (three capital letters: `USD`, `EUR`, `JPY`); amounts are integer minor units of it.
 * A reservation's (its pick-up location's); `isCurrencyCode` (domain/money.ts) says whether a code is one.
 */
export type CurrencyCode = string;

/** What is charged: a token or id the client got from the gateway's own client-side SDK, never a raw card number. */
export type ChargeSource =
  | { type: 'card_token'; token: string }
  | { type: 'paypal_order'; orderId: string }
  | { type: 'wallet_token'; wallet: 'apple_pay' | 'google_pay'; token: string };

export interface ChargeRequest {
  amountMinor: number;
  currency: CurrencyCode;
  source: ChargeSource;
  /** Ours, passed to the gateway so a retry of this charge never charges twice there either. */
  idempotencyKey: string;
  description: string;
}

export type ChargeResult =
  | { outcome: 'succeeded'; reference: string }
  /** Final: a declined payment is never retried on another gateway. */
  | { outcome: 'declined'; reason: string };

export interface RefundRequest {
  /** The gateway's reference of the charge. */
  reference: string;
  amountMinor: number;
  currency: CurrencyCode;
  idempotencyKey: string;
}

/**
 * Holds: an amount authorised now and captured later (pay at pick-up, security deposits).
 *
 * - `authorise` holds `amountMinor` on the source; nothing is taken yet. The hold lapses at `expiresAt`
 *   (Stripe: 7 days for an online card hold; PayPal: 29 days, 3 of them honoured for sure).
 * - `capture` takes `amountMinor` (all or part of the hold) and ENDS the authorisation: what is not
 *   captured goes back to the customer at once (Stripe `amount_to_capture`, PayPal `final_capture`).
 *   One capture per authorisation: the store never begins a second one.
 * - `void` cancels an authorisation nothing was captured of: the whole hold goes back. Voiding one that
 *   was captured is an error (that money is a refund's business); one that already lapsed answers `expired`.
 * - `release` makes sure nothing stays held, whatever became of the authorisation: it voids a live one
 *   and accepts one already captured, voided or lapsed as released. It is the deposit's end and the
 *   reconciler's retry: safe to repeat after a crash at any point, where a `void` could find the work done.
 */
export interface AuthoriseRequest {
  amountMinor: number;
  currency: CurrencyCode;
  source: ChargeSource;
  /** Ours (`auth_<authorisationId>`): a retry never holds the amount twice. */
  idempotencyKey: string;
  description: string;
}

export type AuthoriseResult =
  | { outcome: 'authorised'; reference: string; expiresAt: string }
  /** Final, as a charge's decline: never tried on another gateway. */
  | { outcome: 'declined'; reason: string };

/** An operation on a held amount, named by the gateway's reference of the authorisation. */
export interface HoldRequest {
  reference: string;
  currency: CurrencyCode;
  idempotencyKey: string;
}

export interface CaptureRequest extends HoldRequest {
  /** At most the authorised amount; the rest is released. */
  amountMinor: number;
}

export type CaptureResult =
  | { outcome: 'captured'; reference: string }
  /** The gateway refused to take the money (final for this authorisation). */
  | { outcome: 'failed'; reason: string }
  /** The hold lapsed before the capture: nothing can be taken any more. */
  | { outcome: 'expired' };

export type VoidResult = { outcome: 'voided' } | { outcome: 'expired' };
export type ReleaseResult = { outcome: 'released' };

export interface PaymentGateway {
  readonly id: GatewayId;
  charge(request: ChargeRequest): Promise<ChargeResult>;
  refund(request: RefundRequest): Promise<{ reference: string }>;
  authorise(request: AuthoriseRequest): Promise<AuthoriseResult>;
  capture(request: CaptureRequest): Promise<CaptureResult>;
  void(request: HoldRequest): Promise<VoidResult>;
  release(request: HoldRequest): Promise<ReleaseResult>;
  /**
   * True when this charge's failure is one the client chose (a sandbox test token such as `tok_fail`):
   * it says nothing about the gateway's health, so it must not count towards opening the breaker that
   * every customer shares.
   */
  simulatesFailure?(request: ChargeRequest | AuthoriseRequest): boolean;
  /**
   * Asks the gateway what became of the charge made with this idempotency key (a payment left
   * `processing` by a crash): its final outcome, `pending` while the gateway has not decided, or
   * `unknown` when it never took the charge. Gateways that cannot be asked leave it out.
   */
  lookup?(request: { idempotencyKey: string }): Promise<LookupResult>;
}

export type LookupResult = ChargeResult | { outcome: 'pending' } | { outcome: 'unknown' };

/**
 * Thrown by an adapter when the gateway could not be reached or could not answer (network, timeout,
 * 5xx, rate limit): the charge did not go through as far as we know, so another gateway may take it.
 */
export class GatewayUnavailable extends Error {
  constructor(
    readonly gateway: GatewayId,
    message: string,
  ) {
    super(`${gateway}: ${message}`);
    this.name = 'GatewayUnavailable';
  }
}

/**
 * The gateways behind circuit breakers and timeouts: a charge goes to the first gateway of `order` that
 * is up; when it fails (not a decline), or its breaker is open, the next one takes it. Throws
 * `AllGatewaysUnavailable` when none could.
 */
export interface GatewayRouter {
  charge(order: readonly GatewayId[], request: ChargeRequest): Promise<{ gateway: GatewayId; result: ChargeResult }>;
  /** A refund goes to the gateway that took the charge (no fallback: the money is there). */
  refund(gateway: GatewayId, request: RefundRequest): Promise<{ reference: string }>;
  /** As `charge`: the first gateway of `order` that is up; a decline is final. */
  authorise(order: readonly GatewayId[], request: AuthoriseRequest): Promise<{ gateway: GatewayId; result: AuthoriseResult }>;
  /** Capture, void and release go to the gateway that holds the authorisation (no fallback). */
  capture(gateway: GatewayId, request: CaptureRequest): Promise<CaptureResult>;
  void(gateway: GatewayId, request: HoldRequest): Promise<VoidResult>;
  release(gateway: GatewayId, request: HoldRequest): Promise<ReleaseResult>;
  /**
   * Asks the gateways of `order` that can be asked what became of the charge made with this key: the
   * first that knows it answers; `unknown` when none took it. Throws `GatewayUnavailable` when one
   * could not be asked (nothing can be concluded then).
   */
  lookup(
    order: readonly GatewayId[],
    idempotencyKey: string,
  ): Promise<{ gateway: GatewayId; result: LookupResult } | { result: { outcome: 'unknown' } }>;
}

export class AllGatewaysUnavailable extends Error {
  constructor(readonly tried: GatewayId[]) {
    super(`no payment gateway could take the request (tried ${tried.join(', ') || 'none'})`);
    this.name = 'AllGatewaysUnavailable';
  }
}
