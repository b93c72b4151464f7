import { createHash } from 'node:crypto';
import { AppError, conflict, dependencyUnavailable, notFound, unprocessable, validationError } from '../../shared/errors';
import { holdsCar } from '../bookings/reservation';
import { fromDecimal, toDecimal } from '../money';
import { keyReused } from '../idempotency';
import { AllGatewaysUnavailable, type ChargeResult, type GatewayId } from './gateway';
import { chosenMethod } from './methods';
import { paymentStatusLabel, type Payment, type PaymentDeps, type StoredResponse } from './ports';
import { deliverEvents } from './relay';

export interface PaymentRequest {
  userId: string;
  idempotencyKey: string;
  reservationId: string;
  /** In currency units, as the client sends it. */
  amount: number;
  /** ISO 4217, when the client says it (v2): it must be the reservation's. */
  currency?: string;
  paymentMethod: string;
  details: unknown;
}

/** What POST /payments answers (stored with the idempotency key, so a repeat gets the same). */
export const paymentBody = (p: Payment) => ({
  paymentId: p.paymentId,
  reservationId: p.reservationId,
  status: paymentStatusLabel(p.status),
  amount: toDecimal(p.amountMinor, p.currency),
  currency: p.currency,
  paymentMethod: p.method,
  gateway: p.gateway ?? null,
});

const requestHash = (r: PaymentRequest) =>
  createHash('sha256')
    .update(JSON.stringify([r.reservationId, r.amount, r.paymentMethod, r.details, ...(r.currency ? [r.currency] : [])]))
    .digest('base64url');

const declined = (reason: string) => new AppError('PAYMENT_DECLINED', `The payment was declined: ${reason}`, { reason });

/**
 * Records what the gateway answered about a processing payment (from the payment itself, or from the
 * reconciler that asked the gateway later) and returns the answer its Idempotency-Key keeps: a decline
 * is a 422; a success is written with its outbox event, then the reservation is confirmed at once (this
 * payment's event only); the scheduled relay retries whatever this does not finish.
 */
export const recordCharge = async (
  deps: PaymentDeps,
  payment: Payment,
  charged: { gateway: GatewayId; result: ChargeResult },
): Promise<StoredResponse> => {
  if (charged.result.outcome === 'declined') {
    const { reason } = charged.result;
    const err = declined(reason);
    const response = { status: 422, body: { error: { code: 'PAYMENT_DECLINED', message: err.message, details: err.details } } };
    await deps.payments.finish({ ...payment, gateway: charged.gateway }, 'declined', reason, response);
    return response;
  }
  const succeeded: Payment = { ...payment, gateway: charged.gateway, gatewayReference: charged.result.reference, status: 'succeeded' };
  const response = (p: Payment): StoredResponse => ({ status: 201, body: paymentBody(p) });
  await deps.payments.succeed(succeeded, response);
  await deliverEvents(deps, 10, succeeded.paymentId).catch(() => undefined);
  return response(succeeded);
};

/**
 * What a payment's key answers, the first time and on every replay alike: a decline is the 422 it was;
 * a payment that was refunded because the hold lapsed while it was under way says so (409, as a
 * payment that came after the hold is), not the 201 it was stored with before the relay refunded it.
 */
const answer = async (deps: PaymentDeps, response: StoredResponse): Promise<StoredResponse> => {
  if (response.status === 422) {
    const stored = response.body as { error?: { details?: { reason?: string } } };
    throw declined(stored.error?.details?.reason ?? 'declined');
  }
  if (response.status !== 201) return response;
  const paid = response.body as ReturnType<typeof paymentBody>;
  const { refunds } = await deps.payments.byReservation(paid.reservationId);
  const lapsed = refunds.find((r) => r.paymentId === paid.paymentId && r.source === 'lapsed_hold' && r.status !== 'failed');
  if (lapsed) {
    throw conflict('The hold on this reservation lapsed while the payment was under way: the payment was refunded in full. Book again.', {
      status: 'Expired',
      paymentId: paid.paymentId,
      refunded: toDecimal(lapsed.amountMinor, paid.currency),
    });
  }
  return response;
};

/**
 * POST /payments: pays a Pending reservation whose hold is live, with the amount quoted at booking,
 * through the method's gateways (primary, then fallback). The Idempotency-Key makes it once-only: a
 * repeat replays the stored answer; the same key with another request is 422. The payment row and its
 * outbox event are written in one transaction; the relay then confirms the reservation (and refunds
 * automatically when the hold lapsed before the confirmation landed).
 */
export const pay = async (deps: PaymentDeps, req: PaymentRequest): Promise<StoredResponse> => {
  const { method, details } = chosenMethod(req.paymentMethod, req.details);

  const claim = await deps.payments.claimKey(req.userId, req.idempotencyKey, requestHash(req));
  if (claim.kind === 'replay') return answer(deps, claim.response);
  if (claim.kind === 'mismatch') throw keyReused('payment request');
  if (claim.kind === 'inProgress')
    throw conflict('A payment with this Idempotency-Key is in progress; retry in a moment to get its answer.');

  let keyUsed = false;
  try {
    const reservation = await deps.reservations.get(req.reservationId);
    if (!reservation || reservation.userId !== req.userId) throw notFound(`Reservation ${req.reservationId}`);
    const now = deps.clock.now();
    if (!holdsCar(reservation, now.getTime()) || reservation.status !== 'Pending') {
      throw conflict(
        reservation.status === 'Pending'
          ? 'The hold on this reservation lapsed; book again.'
          : `A ${reservation.status} reservation cannot be paid.`,
        { status: reservation.status === 'Pending' ? 'Expired' : reservation.status },
      );
    }
    const { currency, totalMinor } = reservation.price;
    if (req.currency !== undefined && req.currency !== currency) {
      throw unprocessable(
        [{ field: 'body.currency', rule: 'CURRENCY_MISMATCH', message: `This reservation is charged in ${currency}.` }],
        `A payment in ${req.currency} cannot pay a reservation priced in ${currency}.`,
      );
    }
    const amount = fromDecimal(req.amount, currency);
    if (!amount.ok || amount.minor !== totalMinor) {
      throw validationError([
        { field: 'body.amount', message: `Must be the reservation's total price, ${toDecimal(totalMinor, currency)} ${currency}.` },
      ]);
    }

    const payment: Payment = {
      paymentId: deps.newId(),
      reservationId: reservation.reservationId,
      userId: req.userId,
      amountMinor: reservation.price.totalMinor,
      currency: reservation.price.currency,
      method: method.id,
      status: 'processing',
      refundedMinor: 0,
      createdAt: now.toISOString(),
    };
    if (!(await deps.payments.begin(payment, req.idempotencyKey))) {
      throw conflict('This reservation is already paid, or another payment for it is under way.');
    }
    keyUsed = true;

    let charged;
    try {
      charged = await deps.gateways.charge(method.gateways, {
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        source: method.source(details),
        idempotencyKey: `pay_${payment.paymentId}`,
        description: `Car rental reservation ${reservation.reservationId}`,
      });
    } catch (err) {
      if (!(err instanceof AllGatewaysUnavailable)) throw err;
      // Nothing was charged: the payment failed, the key is free again, the reservation still Pending.
      await deps.payments.finish(payment, 'failed', undefined);
      keyUsed = false;
      throw dependencyUnavailable('payment gateway', 30);
    }

    return await answer(deps, await recordCharge(deps, payment, charged));
  } finally {
    if (!keyUsed) await deps.payments.releaseKey(req.userId, req.idempotencyKey).catch(() => undefined);
  }
};
