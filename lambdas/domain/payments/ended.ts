import { logger } from '../../shared/logger';
import { AppError } from '../../shared/errors';
import type { PaymentOption } from '../bookings/reservation';
import type { HoldDeps, HoldOperation } from './hold-ports';
import { capture, voidAuthorisation } from './holds';
import type { PaymentDeps, Refund } from './ports';
import { refundCancellation, refundReservation } from './refunds';
import { paidNetMinor } from './paid';

/**
 * A reservation that ended before its pick-up (the booking events `ReservationCancelled` and
 * `ReservationNoShow`), as payments settles it, once per reservation whatever the deliveries:
 *
 * - paid now: its payment is refunded `refund.amountMinor` (what the policy gives back): key
 *   `cancel:<id>` or `noshow:<id>`;
 * - paid at pick-up: nothing was taken, so what the policy keeps is captured from the rental's
 *   authorisation (a no-show: `terms.noShowFeeMinor`; a cancellation: the total less the refund), under
 *   the same keys, or the authorisation is voided when nothing is kept. A capture the card refuses (or
 *   a lapsed hold) voids it: the fee is lost, logged. A reservation cancelled before it was confirmed
 *   (no `refund`) is left to the relay, which voids its authorisation as it refunds a payment.
 */
export interface EndedReservation {
  type: 'ReservationCancelled' | 'ReservationNoShow';
  reservation: {
    reservationId: string;
    paymentOption?: PaymentOption;
    price?: { totalMinor: number };
    refund?: { amountMinor: number };
    terms?: { noShowFeeMinor: number };
  };
}

export type EndedDeps = HoldDeps & Pick<PaymentDeps, 'payments'>;

export type EndedOutcome = { refund?: Refund } | { kept: HoldOperation | undefined; keptMinor: number };

export const settleEndedReservation = async (deps: EndedDeps, event: EndedReservation): Promise<EndedOutcome> => {
  const { reservation } = event;
  const id = reservation.reservationId;
  const noShow = event.type === 'ReservationNoShow';
  const givenBack = reservation.refund?.amountMinor ?? 0;
  if (reservation.paymentOption !== 'payAtPickup') {
    const refund = noShow
      ? await refundReservation(deps, id, givenBack, { reason: 'No-show', source: 'no_show', key: `noshow:${id}` })
      : await refundCancellation(deps, id, givenBack);
    return refund ? { refund } : {};
  }
  if (!reservation.refund) return { kept: undefined, keptMinor: 0 };
  const rentals = (await deps.holds.authorisationsOf(id)).filter((a) => a.kind === 'rental');
  // The live hold, else the one an earlier delivery ended (its key replays what that did).
  const hold = rentals.find((a) => a.status === 'authorised') ?? rentals.findLast((a) => a.capturedMinor > 0 || a.status === 'voided');
  if (!hold) return { kept: undefined, keptMinor: 0 };
  const total = reservation.price?.totalMinor ?? hold.amountMinor;
  const fee = noShow ? (reservation.terms?.noShowFeeMinor ?? total - givenBack) : total - givenBack;
  const keep = Math.max(0, Math.min(fee, hold.amountMinor));
  const key = noShow ? `noshow:${id}` : `cancel:${id}`;
  // A change paid now (bookings/change.ts) paid part of the total: what the hold does not keep of the
  // fee is kept of those payments, and the rest of them goes back.
  const { payments } = await deps.payments.byReservation(id);
  await refundReservation(deps, id, paidNetMinor(payments) - Math.max(0, fee - keep), {
    reason: noShow ? 'No-show' : 'Reservation cancelled',
    source: noShow ? 'no_show' : 'cancellation',
    key,
  });
  if (keep === 0) return { kept: (await voidAuthorisation(deps, hold.authorisationId, key)).operation, keptMinor: 0 };
  try {
    return { kept: (await capture(deps, hold.authorisationId, key, keep)).operation, keptMinor: keep };
  } catch (err) {
    if (!(err instanceof AppError && err.kind === 'PAYMENT_DECLINED')) throw err;
    logger.warn('the fee of an ended pay-at-pick-up reservation could not be captured; its hold is released', {
      reservationId: id,
      code: err.code,
      feeMinor: keep,
    });
    await voidAuthorisation(deps, hold.authorisationId, `${key}:void`);
    return { kept: undefined, keptMinor: 0 };
  }
};
