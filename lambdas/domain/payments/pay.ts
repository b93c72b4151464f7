import { createHash } from 'node:crypto';
import { AppError, conflict, dependencyUnavailable, notFound, validationError, type FieldIssue } from '../../shared/errors';
import { fieldIssues } from '../../shared/validation';
import { holdsCar } from '../bookings/reservation';
import { fromMinorUnits } from '../fleet/money';
import { cardNumberFields } from './card-numbers';
import { AllGatewaysUnavailable } from './gateway';
import { methodById } from './methods';
import { paymentStatusLabel, type Payment, type PaymentDeps, type StoredResponse } from './ports';
import { deliverEvents } from './relay';

export interface PaymentRequest {
  userId: string;
  idempotencyKey: string;
  reservationId: string;
  /** In currency units, as the client sends it. */
  amount: number;
  paymentMethod: string;
  details: unknown;
}

/** What POST /payments answers (stored with the idempotency key, so a repeat gets the same). */
export const paymentBody = (p: Payment) => ({
  paymentId: p.paymentId,
  reservationId: p.reservationId,
  status: paymentStatusLabel(p.status),
  amount: fromMinorUnits(p.amountMinor),
  currency: p.currency,
  paymentMethod: p.method,
  gateway: p.gateway ?? null,
});

const requestHash = (r: PaymentRequest) =>
  createHash('sha256')
    .update(JSON.stringify([r.reservationId, r.amount, r.paymentMethod, r.details]))
    .digest('base64url');

const declined = (reason: string) => new AppError('PAYMENT_DECLINED', `The payment was declined: ${reason}`, { reason });

/**
 * POST /payments: pays a Pending reservation whose hold is live, with the amount quoted at booking,
 * through the method's gateways (primary, then fallback). The Idempotency-Key makes it once-only: a
 * repeat replays the stored answer; the same key with another request is 422. The payment row and its
 * outbox event are written in one transaction; the relay then confirms the reservation (and refunds
 * automatically when the hold lapsed before the confirmation landed).
 */
export const pay = async (deps: PaymentDeps, req: PaymentRequest): Promise<StoredResponse> => {
  // Before anything is stored or logged: no card numbers, anywhere in the request.
  const pans = cardNumberFields({ details: req.details }).map((field) => ({
    field,
    message: 'Looks like a card number: send the gateway token instead, never the number.',
  }));
  if (pans.length) throw validationError(pans);
  const method = methodById(req.paymentMethod);
  const details = method?.details.safeParse(req.details);
  const issues: FieldIssue[] = [];
  if (!method) issues.push({ field: 'body.paymentMethod', message: 'Unknown payment method; GET /v1/payments/methods lists them.' });
  else if (details && !details.success) issues.push(...fieldIssues('body.details', details.error));
  if (issues.length) throw validationError(issues);

  const claim = await deps.payments.claimKey(req.userId, req.idempotencyKey, requestHash(req));
  if (claim.kind === 'replay') {
    // A replayed decline is the same 422 the first answer was.
    const stored = claim.response.body as { error?: { details?: { reason?: string } } };
    if (claim.response.status === 422) throw declined(stored.error?.details?.reason ?? 'declined');
    return claim.response;
  }
  if (claim.kind === 'mismatch')
    throw new AppError('IDEMPOTENCY_MISMATCH', 'This Idempotency-Key was already used for another payment request; use a new key.');
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
    if (Math.round(req.amount * 100) !== reservation.price.totalMinor) {
      throw validationError([
        {
          field: 'body.amount',
          message: `Must be the reservation's total price, ${fromMinorUnits(reservation.price.totalMinor)} ${reservation.price.currency}.`,
        },
      ]);
    }

    const payment: Payment = {
      paymentId: deps.newId(),
      reservationId: reservation.reservationId,
      userId: req.userId,
      amountMinor: reservation.price.totalMinor,
      currency: reservation.price.currency,
      method: method!.id,
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
      charged = await deps.gateways.charge(method!.gateways, {
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        source: method!.source(details!.data),
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

    const userKey = req.idempotencyKey;
    if (charged.result.outcome === 'declined') {
      const done: Payment = { ...payment, gateway: charged.gateway, status: 'declined', declineReason: charged.result.reason };
      const err = declined(charged.result.reason);
      await deps.payments.finish(done, 'declined', charged.result.reason, {
        userKey,
        response: { status: 422, body: { error: { code: 'PAYMENT_DECLINED', message: err.message, details: err.details } } },
      });
      throw err;
    }
    const succeeded: Payment = { ...payment, gateway: charged.gateway, gatewayReference: charged.result.reference, status: 'succeeded' };
    const response = (p: Payment): StoredResponse => ({ status: 201, body: paymentBody(p) });
    await deps.payments.succeed(succeeded, response, userKey);
    // Confirm now for a prompt answer (this payment's event only); the scheduled relay retries whatever
    // this does not finish, and delivers the others.
    await deliverEvents(deps, 10, succeeded.paymentId).catch(() => undefined);
    return response(succeeded);
  } finally {
    if (!keyUsed) await deps.payments.releaseKey(req.userId, req.idempotencyKey).catch(() => undefined);
  }
};
