import { createHash } from 'node:crypto';
import { AppError, conflict, notFound, unprocessable, validationError } from '../../shared/errors';
import { holdsCar, type Reservation } from '../bookings/reservation';
import { fromDecimal, toDecimal } from '../money';
import { keyReused } from '../idempotency';
import type { ChargeResult, GatewayId } from './gateway';
import type { Authorisation } from './hold-ports';
import { authorise } from './holds';
import { chosenMethod } from './methods';
import type { Payment, PaymentDeps, StoredResponse } from './ports';
import { chargeGateways, declined, paymentBody, storeCharge } from './charge';

export { chargeGateways, paymentBody };
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
  /**
   * The caller answers an authorisation too (v2): a pay-at-pick-up reservation's payment authorises its
   * total instead of charging it. Without it (v1), such a reservation is 409.
   */
  authorises?: boolean;
}

/** What POST /v2/payments answers for a pay-at-pick-up reservation: its total authorised, captured at pick-up. */
export const authorisationBody = (a: Authorisation) => ({
  authorisationId: a.authorisationId,
  reservationId: a.reservationId,
  status: 'Authorised' as const,
  amount: toDecimal(a.amountMinor, a.currency),
  currency: a.currency,
  paymentMethod: a.method,
  gateway: a.gateway ?? null,
  expiresAt: a.expiresAt ?? null,
});

const requestHash = (r: PaymentRequest) =>
  createHash('sha256')
    .update(JSON.stringify([r.reservationId, r.amount, r.paymentMethod, r.details, ...(r.currency ? [r.currency] : [])]))
    .digest('base64url');

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
  const { response, succeeded } = await storeCharge(deps, payment, charged);
  if (succeeded) await deliverEvents(deps, 10, succeeded.paymentId).catch(() => undefined);
  return response;
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
  if ((response.body as { status?: string }).status === 'Authorised') return answerAuthorised(deps, response);
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
 * An authorisation's answer, as a payment's: released because the hold on the reservation lapsed before
 * it was confirmed (the relay voids it, key `lapsed:<id>`) is 409 as a payment refunded for it is.
 */
const answerAuthorised = async (deps: PaymentDeps, response: StoredResponse): Promise<StoredResponse> => {
  const held = response.body as ReturnType<typeof authorisationBody>;
  const hold = await deps.holds.getAuthorisation(held.authorisationId);
  if (hold?.status !== 'voided' && hold?.status !== 'expired') return response;
  const reservation = await deps.reservations.get(held.reservationId);
  if (reservation && reservation.status !== 'Pending' && reservation.status !== 'Expired') return response;
  throw conflict('The hold on this reservation lapsed while the authorisation was under way: it was released. Book again.', {
    status: 'Expired',
    authorisationId: held.authorisationId,
  });
};

/** The hold store's key of a payment's authorisation: the customer's own key (scoped by reservation there). */
const authorisationKey = (req: PaymentRequest) => `pay:${req.userId}:${req.idempotencyKey}`;

/**
 * A pay-at-pick-up reservation's payment: its total authorised (`rental`), captured at pick-up. The
 * authorisation and its `HoldAuthorised` event are one statement; the relay then confirms the
 * reservation through the same hook as a payment's (or voids the authorisation when the hold lapsed
 * meanwhile). The customer's key replays the answer (stored right after the authorisation; a crash in
 * between is mended by the retry, which finds the authorisation under the same key), a decline is the
 * payment's 422; a gateway outage frees the key (a retry goes on with the same authorisation).
 */
const authoriseTotal = async (
  deps: PaymentDeps,
  req: PaymentRequest,
  reservation: Pick<Reservation, 'reservationId' | 'userId' | 'price'>,
): Promise<StoredResponse> => {
  let held: Authorisation;
  try {
    held = await authorise(deps, {
      reservation,
      amountMinor: reservation.price.totalMinor,
      currency: reservation.price.currency,
      kind: 'rental',
      source: { paymentMethod: req.paymentMethod, details: req.details },
      idempotencyKey: authorisationKey(req),
    });
  } catch (err) {
    if (!(err instanceof AppError && err.kind === 'PAYMENT_DECLINED')) throw err;
    const reason = (err.details as { reason?: string } | undefined)?.reason ?? 'declined';
    const refused = declined(reason);
    const response = { status: 422, body: { error: { code: 'PAYMENT_DECLINED', message: refused.message, details: refused.details } } };
    await deps.payments.answerKey(req.userId, req.idempotencyKey, response);
    throw refused;
  }
  const response = { status: 201, body: authorisationBody(held) };
  await deps.payments.answerKey(req.userId, req.idempotencyKey, response);
  await deliverEvents(deps, 10, held.authorisationId).catch(() => undefined);
  return answer(deps, response);
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
  if (claim.kind === 'inProgress') {
    // An authorisation whose answer a crash did not store: its own key (in the hold store) replays it.
    const mended = await mendAuthorisation(deps, req);
    if (mended) return mended;
    throw conflict('A payment with this Idempotency-Key is in progress; retry in a moment to get its answer.');
  }

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

    if (reservation.paymentOption === 'payAtPickup') {
      if (!req.authorises)
        throw conflict('A pay-at-pick-up reservation is authorised through POST /v2/payments.', { paymentOption: 'payAtPickup' });
      keyUsed = true; // from here the key is answered, or freed below when nothing was held
      try {
        return await authoriseTotal(deps, req, reservation);
      } catch (err) {
        if (!(err instanceof AppError && err.kind === 'PAYMENT_DECLINED')) keyUsed = false;
        throw err;
      }
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
      charged = await chargeGateways(deps, payment, method, details, `Car rental reservation ${reservation.reservationId}`);
    } catch (err) {
      // Nothing was charged: the key is free again, the reservation still Pending.
      if (err instanceof AppError && err.kind === 'DEPENDENCY_UNAVAILABLE') keyUsed = false;
      throw err;
    }

    return await answer(deps, await recordCharge(deps, payment, charged));
  } finally {
    if (!keyUsed) await deps.payments.releaseKey(req.userId, req.idempotencyKey).catch(() => undefined);
  }
};

/**
 * A key left in progress by a crash between a pay-at-pick-up authorisation and the stored answer: when
 * the reservation has a settled rental authorisation, the same authorise (same key) replays it and the
 * answer is stored now. Undefined otherwise (a payment, or an authorisation still under way).
 */
const mendAuthorisation = async (deps: PaymentDeps, req: PaymentRequest): Promise<StoredResponse | undefined> => {
  if (!req.authorises) return undefined;
  const reservation = await deps.reservations.get(req.reservationId);
  if (reservation?.paymentOption !== 'payAtPickup' || reservation.userId !== req.userId) return undefined;
  const settled = (await deps.holds.authorisationsOf(reservation.reservationId)).some(
    (a) => a.kind === 'rental' && a.status !== 'processing' && a.status !== 'failed',
  );
  return settled ? authoriseTotal(deps, req, reservation) : undefined;
};
