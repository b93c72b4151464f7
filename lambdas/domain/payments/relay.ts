import { logger } from '../../shared/logger';
import type { PaymentDeps } from './ports';
import { voidAuthorisation } from './holds';
import { refundPayment } from './refunds';

/**
 * The outbox relay: each `PaymentSucceeded` event (of a booking's payment, not a change's) confirms its reservation in DynamoDB (conditional on
 * it still being Pending with a live hold) and is marked delivered only then, so a crash anywhere
 * means a retry, never a lost confirmation. When the hold lapsed before the confirmation landed, the
 * payment is refunded in full, once, and the customer told. Runs on a schedule for every event, and right
 * after a payment for that payment's only (`paymentId`): concurrent payments each confirm their own
 * reservation instead of all racing over the same backlog.
 */
export const deliverEvents = async (deps: PaymentDeps, limit = 50, paymentId?: string): Promise<{ delivered: number; failed: number }> => {
  let delivered = 0;
  let failed = 0;
  for (const event of await deps.payments.pendingEvents(limit, paymentId)) {
    try {
      if (event.type === 'PaymentSucceeded') await confirmOrRefund(deps, String(event.payload.paymentId));
      if (event.type === 'HoldAuthorised' && event.payload.kind === 'rental')
        await confirmOrVoid(deps, String(event.payload.authorisationId));
      await deps.payments.markDelivered(event.id);
      delivered++;
    } catch (err) {
      failed++;
      logger.warn('outbox event not delivered yet; it will be retried', {
        eventId: event.id,
        type: event.type,
        error: (err as Error).message,
      });
      await deps.payments.markFailed(event.id, (err as Error).message).catch(() => undefined);
    }
  }
  return { delivered, failed };
};

const confirmOrRefund = async (deps: PaymentDeps, paymentId: string) => {
  const payment = await deps.payments.get(paymentId);
  // A change's payment confirms nothing: the change lands on its own (bookings/change.ts).
  if (!payment || payment.changeId) return;
  if (await deps.reservations.confirm(payment.reservationId)) return;
  const reservation = await deps.reservations.get(payment.reservationId);
  if (reservation?.status === 'Confirmed') return;
  // Cancelled after this payment confirmed it (an earlier delivery confirmed, then died before marking
  // the event delivered): the cancellation policy's refund is the one that applies (refundCancellation);
  // refunding here too would pay back more than the policy gives, up to all of it.
  if (reservation?.status === 'Cancelled' && reservation.refund) return;
  // Paid, but the hold was gone (or the reservation was cancelled before the payment could confirm it):
  // the money goes back, all of it, exactly once.
  const left = payment.amountMinor - payment.refundedMinor;
  if (left <= 0) return;
  await refundPayment(deps, {
    payment,
    amountMinor: left,
    reason: 'The hold lapsed before the payment confirmed the reservation',
    source: 'lapsed_hold',
    idempotencyKey: `lapsed:${payment.paymentId}`,
  });
  if (reservation) await deps.notices.refundedLate(reservation, payment.amountMinor);
};

/** What a reservation confirmed by its money may have become since: then there is nothing to undo. */
const MOVED_ON = new Set(['Confirmed', 'Active', 'Completed', 'NoShow']);

/**
 * A pay-at-pick-up reservation's authorisation (`HoldAuthorised`, kind `rental`) confirms it as a
 * payment does; when the hold lapsed first (or it was cancelled before it could be confirmed), the
 * authorisation is voided, once (nothing was taken, so there is nothing to refund or tell).
 */
const confirmOrVoid = async (deps: PaymentDeps, authorisationId: string) => {
  const hold = await deps.holds.getAuthorisation(authorisationId);
  if (hold?.status !== 'authorised') return;
  if (await deps.reservations.confirm(hold.reservationId)) return;
  const reservation = await deps.reservations.get(hold.reservationId);
  if (reservation && MOVED_ON.has(reservation.status)) return;
  // Cancelled once confirmed: the cancellation's settlement (ended.ts) captures or voids it.
  if (reservation?.status === 'Cancelled' && reservation.refund) return;
  await voidAuthorisation(deps, authorisationId, `lapsed:${authorisationId}`);
};
