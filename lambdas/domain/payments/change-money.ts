import { AppError, conflict, unprocessable, validationError, type FieldIssue } from '../../shared/errors';
import type { ChangeMoney } from '../bookings/change';
import type { Reservation } from '../bookings/reservation';
import type { PaymentSource } from '../money';
import { toDecimal } from '../money';
import { chosenMethod } from './methods';
import { chargeGateways, declined, storeCharge } from './charge';
import type { Payment, PaymentDeps } from './ports';
import type { Authorisation, HoldStore } from './hold-ports';
import { refundPayment } from './refunds';
import { coveredByHoldMinor, paidNetMinor } from './paid';

/**
 * The money of a change (bookings/change.ts), on the payments and refunds tables. What is owed by
 * payments is the reservation's total, less what a pay-at-pick-up rental's authorisation covers (held
 * before the pick-up, captured at it). A change that raises the total is charged the difference by a
 * payment of its own (`change_id`), beside the booking's; one that lowers it is refunded from the
 * payments, newest first (source `change`). Every step is keyed by the change, so retries replay.
 */
export type ChangeMoneyDeps = Pick<PaymentDeps, 'payments' | 'gateways' | 'clock' | 'newId'> & {
  holds: Pick<HoldStore, 'authorisationsOf'>;
};

/** The method the rental was paid with: its last payment's, or its authorisation's. */
const rentalMethod = (payments: readonly Payment[], rentals: readonly Authorisation[]) =>
  payments.findLast((p) => p.status === 'succeeded')?.method ?? rentals.at(-1)?.method;

/** A payment source's problems, named under `body.payment` where the change's body carries it. */
const sourceOf = (source: PaymentSource) => {
  try {
    return chosenMethod(source.paymentMethod, source.details);
  } catch (err) {
    if (!(err instanceof AppError && err.kind === 'VALIDATION')) throw err;
    const { fields } = err.details as { fields: FieldIssue[] };
    throw validationError(fields.map((f) => ({ ...f, field: f.field.replace(/^body\./, 'body.payment.') })));
  }
};

export const changeMoney = (deps: ChangeMoneyDeps): ChangeMoney => {
  /**
   * A reservation's payments, its rental holds (pay at pick-up) and what the payments owe of its total,
   * read once for a step.
   */
  const moneyOf = async (r: Reservation) => {
    const [{ payments }, holds] = await Promise.all([
      deps.payments.byReservation(r.reservationId),
      r.paymentOption === 'payAtPickup' ? deps.holds.authorisationsOf(r.reservationId) : [],
    ]);
    const rentals = holds.filter((a) => a.kind === 'rental');
    return { payments, rentals, owedMinor: r.price.totalMinor - coveredByHoldMinor(rentals) };
  };

  return {
    async charge(changed, changeId, source) {
      const { payments, rentals, owedMinor } = await moneyOf(changed);
      const earlier = payments.find((p) => p.changeId === changeId && (p.status === 'succeeded' || p.status === 'processing'));
      if (earlier?.status === 'succeeded') return { chargedMinor: earlier.amountMinor };
      if (earlier) throw conflict('The payment of this change is in progress; retry in a moment.', { paymentId: earlier.paymentId });
      const dueMinor = owedMinor - paidNetMinor(payments);
      if (dueMinor <= 0) return { chargedMinor: 0 };
      const { currency } = changed.price;
      if (!source) {
        throw unprocessable(
          [
            {
              field: 'body.payment',
              rule: 'PAYMENT_REQUIRED',
              message: `This change adds ${toDecimal(dueMinor, currency)} ${currency}: pay it.`,
            },
          ],
          'This change raises the price: send `payment` to pay the difference.',
        );
      }
      const { method, details } = sourceOf(source);
      const usual = rentalMethod(payments, rentals);
      if (usual && usual !== method.id) {
        throw unprocessable(
          [
            {
              field: 'body.payment.paymentMethod',
              rule: 'SAME_PAYMENT_METHOD',
              message: `Pay a change with the rental’s payment method, ${usual}.`,
            },
          ],
          `A change is paid with the rental’s payment method, ${usual}.`,
        );
      }
      const payment: Payment = {
        paymentId: deps.newId(),
        reservationId: changed.reservationId,
        userId: changed.userId,
        amountMinor: dueMinor,
        currency,
        method: method.id,
        status: 'processing',
        refundedMinor: 0,
        changeId,
        createdAt: deps.clock.now().toISOString(),
      };
      if (!(await deps.payments.begin(payment, `change:${changed.reservationId}:${changeId}`))) {
        throw conflict('The payment of this change is in progress; retry in a moment.');
      }
      const charged = await chargeGateways(deps, payment, method, details, `Change of car rental reservation ${changed.reservationId}`);
      // Its outbox event confirms nothing (the relay passes a change's payment by): no delivery here.
      const { succeeded } = await storeCharge(deps, payment, charged);
      if (!succeeded) throw declined(charged.result.outcome === 'declined' ? charged.result.reason : 'declined');
      return { chargedMinor: dueMinor };
    },

    async refund(changed, changeId) {
      const { payments, owedMinor } = await moneyOf(changed);
      let overMinor = paidNetMinor(payments) - owedMinor;
      let refundedMinor = 0;
      // Newest first: a change's own payment goes back before the booking's.
      for (const p of [...payments].reverse()) {
        if (overMinor <= 0) break;
        const left = p.status === 'succeeded' ? p.amountMinor - p.refundedMinor : 0;
        const amountMinor = Math.min(left, overMinor);
        if (amountMinor <= 0) continue;
        await refundPayment(deps, {
          payment: p,
          amountMinor,
          reason: 'Reservation changed to a lower price',
          source: 'change',
          idempotencyKey: `change:${changeId}:${p.paymentId}`,
        });
        overMinor -= amountMinor;
        refundedMinor += amountMinor;
      }
      return { refundedMinor };
    },

    async undo(reservation, changeId) {
      const { payments } = await deps.payments.byReservation(reservation.reservationId);
      const paid = payments.find((p) => p.changeId === changeId && p.status === 'succeeded');
      if (!paid || paid.amountMinor - paid.refundedMinor <= 0) return;
      await refundPayment(deps, {
        payment: paid,
        amountMinor: paid.amountMinor - paid.refundedMinor,
        reason: 'The change did not happen',
        source: 'change',
        idempotencyKey: `change-undo:${changeId}`,
      });
    },
  };
};
