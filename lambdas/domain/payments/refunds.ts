import { conflict, dependencyUnavailable, notFound, validationError } from '../../shared/errors';
import { fromDecimal, toDecimal } from '../money';
import { keyReused, requestHash, type AdminRequest } from '../idempotency';
import { GatewayUnavailable } from './gateway';
import type { Payment, PaymentDeps, Refund, RefundSource } from './ports';

export interface RefundOrder {
  payment: Payment;
  amountMinor: number;
  reason: string;
  source: RefundSource;
  /** Makes the refund once-only: the same key never refunds twice, however often it is asked for. */
  idempotencyKey: string;
}

/**
 * Refunds part or all of a succeeded payment: the amount is reserved in PostgreSQL first (never more
 * than what is left, checked by the database), then sent to the gateway that took the charge with our
 * idempotency key; if the gateway cannot be reached the reservation of the amount is released.
 */
export const refundPayment = async (
  deps: Pick<PaymentDeps, 'payments' | 'gateways' | 'clock' | 'newId'>,
  order: RefundOrder,
): Promise<Refund> => {
  const { payment } = order;
  if (payment.status !== 'succeeded' || !payment.gateway || !payment.gatewayReference)
    throw conflict('Only a completed payment can be refunded.');
  const draft: Refund = {
    refundId: deps.newId(),
    paymentId: payment.paymentId,
    amountMinor: order.amountMinor,
    reason: order.reason,
    source: order.source,
    status: 'processing',
    createdAt: deps.clock.now().toISOString(),
  };
  const begun = await deps.payments.beginRefund(draft, order.idempotencyKey);
  if (begun.kind === 'exceeds')
    throw conflict(`At most ${toDecimal(begun.left, payment.currency)} ${payment.currency} of this payment is left to refund.`, {
      leftToRefund: toDecimal(begun.left, payment.currency),
    });
  if (begun.kind === 'exists' && begun.refund.status !== 'failed') return begun.refund;
  const refund = begun.refund;
  try {
    const { reference } = await deps.gateways.refund(payment.gateway, {
      reference: payment.gatewayReference,
      amountMinor: refund.amountMinor,
      currency: payment.currency,
      idempotencyKey: `refund_${refund.refundId}`,
    });
    await deps.payments.finishRefund(refund, { succeeded: true, reference });
    return { ...refund, status: 'succeeded' };
  } catch (err) {
    await deps.payments.finishRefund(refund, { succeeded: false });
    if (err instanceof GatewayUnavailable) throw dependencyUnavailable('payment gateway', 30);
    throw err;
  }
};

/**
 * Admin refund of a payment (`POST /payments/{id}/refunds`). The Idempotency-Key is the admin's, for
 * this payment: scoped by payment and admin (so another payment or another admin never gets this
 * refund back), stored as a hash, and a repeat must carry the same body, or it is 422 as on every route.
 */
export const adminRefund = async (
  deps: Pick<PaymentDeps, 'payments' | 'gateways' | 'clock' | 'newId'>,
  paymentId: string,
  /** Decimal, in the payment's currency (its own minor digits: none for JPY). */
  amount: number,
  reason: string,
  request: Required<AdminRequest>,
): Promise<{ refund: Refund; currency: string }> => {
  const payment = await deps.payments.get(paymentId);
  if (!payment) throw notFound(`Payment ${paymentId}`);
  const parsed = fromDecimal(amount, payment.currency);
  if (!parsed.ok) throw validationError([{ field: 'body.amount', message: parsed.message }]);
  const amountMinor = parsed.minor;
  const idempotencyKey = `admin:${paymentId}:${requestHash(request.adminId, request.idempotencyKey)}`;
  const refund = await refundPayment(deps, { payment, amountMinor, reason, source: 'admin', idempotencyKey });
  // A refund made now always matches; one found under the key must have been asked for with this body.
  if (refund.amountMinor !== amountMinor || refund.reason !== reason) throw keyReused('refund');
  return { refund, currency: payment.currency };
};

/** What a reservation's own refund (a cancellation's, a no-show's) is recorded as: once per reservation under `key`. */
export interface ReservationRefund {
  reason: string;
  source: RefundSource;
  key: string;
}

/**
 * Refunds up to `amountMinor` of a reservation's succeeded payments, newest first (a change's payment
 * before the booking's), once per `refund.key` whatever the number of deliveries of the event that asks
 * for it: the booking's payment under the key itself, a change's under the key and its payment id.
 */
export const refundReservation = async (
  deps: Pick<PaymentDeps, 'payments' | 'gateways' | 'clock' | 'newId'>,
  reservationId: string,
  amountMinor: number,
  refund: ReservationRefund,
): Promise<Refund | undefined> => {
  if (amountMinor <= 0) return undefined;
  const { payments } = await deps.payments.byReservation(reservationId);
  let remaining = amountMinor;
  let booking: Refund | undefined;
  for (const paid of payments.filter((p) => p.status === 'succeeded').reverse()) {
    const left = paid.amountMinor - paid.refundedMinor;
    // Nothing left (refunded in full by an admin, or by an earlier delivery of this event): done. A zero
    // refund would be refused by the database, and the event retried until it reached the DLQ.
    if (left <= 0 || remaining <= 0) continue;
    const made = await refundPayment(deps, {
      payment: paid,
      amountMinor: Math.min(remaining, left),
      reason: refund.reason,
      source: refund.source,
      idempotencyKey: paid.changeId ? `${refund.key}:${paid.paymentId}` : refund.key,
    });
    remaining -= made.amountMinor;
    if (!paid.changeId) booking = made;
  }
  return booking;
};

/**
 * A cancelled reservation's refund, as the cancellation policy set it (the `ReservationCancelled`
 * event): once per reservation, whatever the number of deliveries.
 */
export const refundCancellation = (
  deps: Pick<PaymentDeps, 'payments' | 'gateways' | 'clock' | 'newId'>,
  reservationId: string,
  amountMinor: number,
): Promise<Refund | undefined> =>
  refundReservation(deps, reservationId, amountMinor, {
    reason: 'Reservation cancelled',
    source: 'cancellation',
    key: `cancel:${reservationId}`,
  });
