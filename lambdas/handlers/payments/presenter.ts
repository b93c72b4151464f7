import type * as z from '../../shared/zod';
import type { PaymentDetail, RefundView } from '../../api/payment-schemas';
import { fromMinorUnits } from '../../domain/fleet/money';
import { paymentStatusLabel, type Payment, type Refund } from '../../domain/payments/ports';

export const presentPayment = (p: Payment): z.output<typeof PaymentDetail> => ({
  paymentId: p.paymentId,
  reservationId: p.reservationId,
  status: paymentStatusLabel(p.status),
  amount: fromMinorUnits(p.amountMinor),
  refunded: fromMinorUnits(p.refundedMinor),
  currency: p.currency,
  paymentMethod: p.method,
  gateway: p.gateway ?? null,
  declineReason: p.declineReason ?? null,
  createdAt: p.createdAt,
});

export const presentRefund = (r: Refund): z.output<typeof RefundView> => ({
  refundId: r.refundId,
  paymentId: r.paymentId,
  amount: fromMinorUnits(r.amountMinor),
  reason: r.reason,
  source: r.source,
  status: r.status,
  createdAt: r.createdAt,
});
