import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  timeout,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
} from 'cockatiel';
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
  type GatewayRouter,
  type HoldRequest,
  type PaymentGateway,
  type RefundRequest,
  type ReleaseResult,
  type VoidResult,
} from '../../../domain/payments/gateway';
import { logger } from '../../../shared/logger';
import { inSubsegment } from '../../../shared/observability';

export interface RouterOptions {
  /** A call that has not answered by then counts as a failure and the next gateway is tried (default 8 s). */
  timeoutMs?: number;
  /** Consecutive failures (unavailable or timed out) that open a gateway's breaker (default 5). */
  failuresBeforeOpen?: number;
  /** How long an open breaker skips its gateway before letting one trial call through (default 30 s). */
  halfOpenAfterMs?: number;
}

export type BreakerState = 'closed' | 'open' | 'half_open' | 'isolated';

const STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'isolated',
};

/** Why a gateway was passed over; logged, never with request details (no tokens, no amounts). */
type SkipReason = 'circuit_open' | 'unavailable' | 'timeout';

interface Guarded {
  gateway: PaymentGateway;
  breaker: CircuitBreakerPolicy;
  policy: IPolicy;
  /** The timeout alone: for a failure the client chose (a sandbox test token), which must not trip the breaker. */
  unguarded: IPolicy;
}

/**
 * The gateways behind circuit breakers and timeouts (cockatiel). Per gateway: a breaker that opens
 * after `failuresBeforeOpen` consecutive failures and lets one trial call through `halfOpenAfterMs`
 * later, around an aggressive timeout (the caller gets its answer when the time is up, even if the
 * gateway's call is still running).
 *
 * Only "could not answer" counts as a failure: a `GatewayUnavailable` from the adapter or the timeout.
 * A decline is an answer (the gateway is healthy) and is returned at once, never tried elsewhere; any
 * other error (our bug: bad key, bad request, idempotency misuse) is rethrown as is, neither retried
 * elsewhere nor counted.
 *
 * Each call to a gateway is a remote subsegment of the trace, named after the gateway; it closes when the
 * router gives up on the call (a timeout, an open circuit), not when the gateway's SDK finally settles.
 *
 * Breaker state is per process (per Lambda instance): each instance learns on its own that a gateway
 * is down, after a few failed calls at most. Since one breaker serves every customer of the instance,
 * only failures that say something about the gateway count: never a decline, and never a failure the
 * client chose (the sandbox's `tok_fail` and `tok_timeout` test tokens, see `simulatesFailure`), else
 * one customer's test tokens would give everyone 503 until the breaker half-opens. A simulated outage
 * of the whole sandbox (its `failWhen` option) does count: that is what it simulates.
 *
 * A caveat the port accepts: a timeout or a 5xx does not prove the gateway did not charge. The
 * idempotency key sent with every call lets a reconciliation ask the first gateway later.
 */
export class CircuitBreakingRouter implements GatewayRouter {
  private readonly guarded = new Map<GatewayId, Guarded>();
  private readonly timeoutMs: number;

  constructor(gateways: readonly PaymentGateway[], options: RouterOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 8_000;
    for (const gateway of gateways) {
      if (this.guarded.has(gateway.id)) throw new Error(`payment gateway ${gateway.id} is registered twice`);
      const breaker = circuitBreaker(
        handleWhen((err) => err instanceof GatewayUnavailable || err instanceof TaskCancelledError),
        { halfOpenAfter: options.halfOpenAfterMs ?? 30_000, breaker: new ConsecutiveBreaker(options.failuresBeforeOpen ?? 5) },
      );
      breaker.onBreak(() => logger.warn('payment gateway circuit opened', { gateway: gateway.id }));
      breaker.onHalfOpen(() => logger.info('payment gateway circuit half-open: trying one call', { gateway: gateway.id }));
      breaker.onReset(() => logger.info('payment gateway circuit closed', { gateway: gateway.id }));
      const within = timeout(this.timeoutMs, TimeoutStrategy.Aggressive);
      this.guarded.set(gateway.id, { gateway, breaker, policy: wrap(breaker, within), unguarded: within });
    }
  }

  charge(order: readonly GatewayId[], request: ChargeRequest): Promise<{ gateway: GatewayId; result: ChargeResult }> {
    return this.firstUp(order, 'charge', request, (gateway) => gateway.charge(request));
  }

  /** The same fallback order and rules as a charge. */
  authorise(order: readonly GatewayId[], request: AuthoriseRequest): Promise<{ gateway: GatewayId; result: AuthoriseResult }> {
    return this.firstUp(order, 'authorise', request, (gateway) => gateway.authorise(request));
  }

  refund(gateway: GatewayId, request: RefundRequest): Promise<{ reference: string }> {
    return this.holder(gateway, 'refund', request.reference, (g) => g.refund(request));
  }

  capture(gateway: GatewayId, request: CaptureRequest): Promise<CaptureResult> {
    return this.holder(gateway, 'capture', request.reference, (g) => g.capture(request));
  }

  void(gateway: GatewayId, request: HoldRequest): Promise<VoidResult> {
    return this.holder(gateway, 'void', request.reference, (g) => g.void(request));
  }

  release(gateway: GatewayId, request: HoldRequest): Promise<ReleaseResult> {
    return this.holder(gateway, 'release', request.reference, (g) => g.release(request));
  }

  /** The first gateway of `order` that answers (a decline is an answer); `AllGatewaysUnavailable` when none does. */
  private async firstUp<R>(
    order: readonly GatewayId[],
    operation: 'charge' | 'authorise',
    request: ChargeRequest | AuthoriseRequest,
    call: (gateway: PaymentGateway) => Promise<R>,
  ): Promise<{ gateway: GatewayId; result: R }> {
    const tried: GatewayId[] = [];
    const candidates = [...new Set(order)];
    for (const [i, id] of candidates.entries()) {
      const guarded = this.guarded.get(id);
      if (!guarded) {
        // Not configured here (say, Stripe in a local run): not a failure, just not an option.
        logger.debug('payment gateway not configured: skipped', { gateway: id });
        continue;
      }
      tried.push(id);
      try {
        const policy = guarded.gateway.simulatesFailure?.(request) ? guarded.unguarded : guarded.policy;
        const result = await inSubsegment(id, { operation }, () => policy.execute(() => call(guarded.gateway)));
        return { gateway: id, result };
      } catch (err) {
        const reason = skipReason(err);
        if (!reason) throw err;
        logger.warn('payment gateway fallback', {
          gateway: id,
          operation,
          reason,
          // Our own text (status, error code), never the request: see the adapters.
          ...(err instanceof GatewayUnavailable ? { detail: err.message } : {}),
          next: candidates.slice(i + 1).find((g) => this.guarded.has(g)) ?? null,
        });
      }
    }
    throw new AllGatewaysUnavailable(tried);
  }

  /**
   * A call to the gateway that holds the money (a refund) or the hold (capture, void, release): no
   * fallback; an open breaker or a timeout is `GatewayUnavailable`, for the caller to retry later.
   */
  private async holder<R>(gateway: GatewayId, operation: string, reference: string, call: (g: PaymentGateway) => Promise<R>): Promise<R> {
    const guarded = this.guarded.get(gateway);
    if (!guarded) throw new Error(`payment gateway ${gateway} is not configured: cannot ${operation} ${reference}`);
    try {
      return await inSubsegment(gateway, { operation }, () => guarded.policy.execute(() => call(guarded.gateway)));
    } catch (err) {
      const reason = skipReason(err);
      if (reason === 'circuit_open') throw new GatewayUnavailable(gateway, 'circuit open');
      if (reason === 'timeout') throw new GatewayUnavailable(gateway, `no answer within ${this.timeoutMs} ms`);
      throw err;
    }
  }

  async lookup(order: readonly GatewayId[], idempotencyKey: string) {
    for (const id of new Set(order)) {
      const guarded = this.guarded.get(id);
      if (!guarded?.gateway.lookup) continue;
      const { gateway } = guarded;
      const result = await inSubsegment(id, { operation: 'lookup' }, () =>
        guarded.unguarded.execute(() => gateway.lookup!({ idempotencyKey })),
      ).catch((err: unknown) => {
        if (skipReason(err) === 'timeout') throw new GatewayUnavailable(id, `no answer within ${this.timeoutMs} ms`);
        throw err;
      });
      if (result.outcome !== 'unknown') return { gateway: id, result };
    }
    return { result: { outcome: 'unknown' as const } };
  }

  /** Each configured gateway's breaker, for health pages and tests. */
  states(): Partial<Record<GatewayId, BreakerState>> {
    return Object.fromEntries([...this.guarded].map(([id, g]) => [id, STATES[g.breaker.state]]));
  }

  /**
   * Takes a gateway out of rotation by hand (an operator's kill switch) until the returned handle is
   * disposed; charges go to the next gateway meanwhile.
   */
  isolate(gateway: GatewayId): { dispose(): void } {
    const guarded = this.guarded.get(gateway);
    if (!guarded) throw new Error(`payment gateway ${gateway} is not configured`);
    return guarded.breaker.isolate();
  }
}

const skipReason = (err: unknown): SkipReason | undefined => {
  // IsolatedCircuitError is a BrokenCircuitError too.
  if (err instanceof BrokenCircuitError) return 'circuit_open';
  // Not cockatiel's isTaskCancelledError: in 3.2.1 it tests for 'isBulkheadRejectedError' (a copy-paste
  // slip) and so never recognises a timeout.
  if (err instanceof TaskCancelledError) return 'timeout';
  if (err instanceof GatewayUnavailable) return 'unavailable';
  return undefined;
};
