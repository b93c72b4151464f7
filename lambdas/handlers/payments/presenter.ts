import type * as z from '../../shared/zod';
import type { PaymentDetail, RefundView } from '../../api/payment-schemas';
import { toDecimal } from '../../domain/money';
import { paymentStatusLabel, type Payment, type Refund } from '../../domain/payments/ports';

export const presentPayment = (p: Payment): z.output<typeof PaymentDetail> => ({
  paymentId: p.paymentId,
  reservationId: p.reservationId,
  status: paymentStatusLabel(p.status),
  amount: toDecimal(p.amountMinor, p.currency),
  refunded: toDecimal(p.refundedMinor, p.currency),
  currency: p.currency,
  paymentMethod: p.method,
  gateway: p.gateway ?? null,
  declineReason: p.declineReason ?? null,
  createdAt: p.createdAt,
});

/** A refund, in the currency of the payment it gives back (a refund row does not repeat it). */
export const presentRefund = (r: Refund, currency: string): z.output<typeof RefundView> => ({
  refundId: r.refundId,
  paymentId: r.paymentId,
  amount: toDecimal(r.amountMinor, currency),
  reason: r.reason,
  source: r.source,
  status: r.status,
  createdAt: r.createdAt,
});
