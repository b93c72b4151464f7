/**
 * The port every payment gateway adapter implements (Stripe, PayPal, the local sandbox). The payment
 * service never knows which one it talks to: a method's strategy says which gateways may take it (a
 * primary and a fallback), and the gateway router picks one that is up.
 */
export type GatewayId = 'stripe' | 'paypal' | 'sandbox';

/** What is charged: a token or id the client got from the gateway's own client-side SDK, never a raw card number. */
export type ChargeSource =
  | { type: 'card_token'; token: string }
  | { type: 'paypal_order'; orderId: string }
  | { type: 'wallet_token'; wallet: 'apple_pay' | 'google_pay'; token: string };

export interface ChargeRequest {
  amountMinor: number;
  /** ISO 4217: the reservation's. */
  currency: string;
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
  currency: string;
  idempotencyKey: string;
}

export interface PaymentGateway {
  readonly id: GatewayId;
  charge(request: ChargeRequest): Promise<ChargeResult>;
  refund(request: RefundRequest): Promise<{ reference: string }>;
  /**
   * True when this charge's failure is one the client chose (a sandbox test token such as `tok_fail`):
   * it says nothing about the gateway's health, so it must not count towards opening the breaker that
   * every customer shares.
   */
  simulatesFailure?(request: ChargeRequest): boolean;
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
