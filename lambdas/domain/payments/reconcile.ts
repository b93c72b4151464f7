import { logger } from '../../shared/logger';
import type { HoldDeps } from './hold-ports';
import { runOperation } from './holds';
import { methodById } from './methods';
import { recordCharge } from './pay';
import type { PaymentDeps } from './ports';

/** Older than any payment still running (the payment function times out after 25 s). */
export const RECONCILE_AFTER_MS = 2 * 60_000;
/**
 * How long a gateway may not know a charge before we conclude it never took it: Stripe's search finds
 * a new PaymentIntent within about a minute, so "not found" is only trusted well after that.
 */
export const UNKNOWN_AFTER_MS = 10 * 60_000;

/**
 * The reconciler (scheduled): settles payments left `processing` by a crash (the function died after the
 * gateway answered and before the database write, or the charge ended in an error that was not an
 * answer). For each, the gateways of its method are asked what became of the charge made with our
 * idempotency key (`pay_<paymentId>`):
 *
 * - charged: the payment is Completed through the same path as a live payment (`recordCharge`: the
 *   outbox event, then the relay confirms the reservation, or refunds when the hold lapsed meanwhile);
 * - declined: Failed, and the customer's key replays the 422;
 * - not known to any gateway (after `UNKNOWN_AFTER_MS`): Failed, and the key is released so the customer
 *   can pay again; a gateway still deciding, or one that cannot be asked now: left for the next run.
 */
export const reconcilePayments = async (deps: PaymentDeps, limit = 50): Promise<{ completed: number; failed: number; left: number }> => {
  const now = deps.clock.now().getTime();
  const counts = { completed: 0, failed: 0, left: 0 };
  for (const payment of await deps.payments.stuck(new Date(now - RECONCILE_AFTER_MS).toISOString(), limit)) {
    try {
      const found = await deps.gateways.lookup(methodById(payment.method)?.gateways ?? [], `pay_${payment.paymentId}`);
      const { result } = found;
      if (result.outcome === 'pending' || (result.outcome === 'unknown' && now - Date.parse(payment.createdAt) < UNKNOWN_AFTER_MS)) {
        counts.left++;
      } else if (result.outcome === 'unknown' || !('gateway' in found)) {
        await deps.payments.finish(payment, 'failed', undefined);
        counts.failed++;
      } else {
        await recordCharge(deps, payment, { gateway: found.gateway, result });
        counts[result.outcome === 'succeeded' ? 'completed' : 'failed']++;
      }
    } catch (err) {
      counts.left++;
      logger.warn('payment not reconciled yet; the next run retries', { paymentId: payment.paymentId, error: (err as Error).message });
    }
  }
  return counts;
};

/**
 * The reconciler's part for holds (scheduled with `reconcilePayments`):
 *
 * - a capture, void or release left `processing` (a crash after the gateway call) is asked again with
 *   the same gateway key, which replays the gateway's answer, and recorded;
 * - a void or release that `failed` (the gateway could not be reached) is tried again, as a new attempt,
 *   until it goes through: a deposit is never left held because a release met an outage. (A failed
 *   capture is not: whether to take the money still is the caller's decision.)
 * - an authorisation left `processing` is marked `failed`: a retry with the caller's key starts it again
 *   under the same gateway key, so a hold the gateway did make is found, not made twice; one nobody asks
 *   for again lapses at the gateway on its own.
 */
export const reconcileHolds = async (deps: HoldDeps, limit = 50): Promise<{ settled: number; failed: number; left: number }> => {
  const before = new Date(deps.clock.now().getTime() - RECONCILE_AFTER_MS).toISOString();
  const counts = { settled: 0, failed: 0, left: 0 };
  const { operations, authorisations } = await deps.holds.unsettled(before, limit);
  for (const stuck of operations) {
    try {
      const op = stuck.status === 'failed' ? await deps.holds.retryOperation(stuck.operationId) : stuck;
      const hold = op && (await deps.holds.getAuthorisation(op.authorisationId));
      if (!op || !hold) continue;
      await runOperation(deps, hold, op);
      counts.settled++;
    } catch (err) {
      counts.left++;
      logger.warn('hold operation not settled yet; the next run retries', {
        operationId: stuck.operationId,
        error: (err as Error).message,
      });
    }
  }
  for (const authorisation of authorisations) {
    if (await deps.holds.finishAuthorisation(authorisation.authorisationId, { status: 'failed' })) counts.failed++;
  }
  return counts;
};
