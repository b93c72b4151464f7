import type * as z from '../../shared/zod';
import type { HoldRecordView } from '../../api/hold-schemas';
import type { PaymentDetail, RefundView } from '../../api/payment-schemas';
import { toDecimal } from '../../domain/money';
import { AUTHORISATION_STATUS_LABELS } from '../../domain/payments/hold-ports';
import { paymentStatusLabel, type Payment, type Refund } from '../../domain/payments/ports';
import type { HoldRecord } from '../../domain/payments/queries';

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

const OPERATION_STATUS_LABELS = { processing: 'Processing', succeeded: 'Succeeded', failed: 'Failed', refused: 'Refused' } as const;

/** A hold with its operations, in its own currency (v2's listing). */
export const presentHold = (h: HoldRecord): z.output<typeof HoldRecordView> => {
  const decimal = (minor: number) => toDecimal(minor, h.currency);
  return {
    authorisationId: h.authorisationId,
    kind: h.kind === 'rental' ? 'payAtPickup' : 'deposit',
    status: AUTHORISATION_STATUS_LABELS[h.status],
    amount: decimal(h.amountMinor),
    captured: decimal(h.capturedMinor),
    currency: h.currency,
    paymentMethod: h.method,
    gateway: h.gateway ?? null,
    declineReason: h.declineReason ?? null,
    expiresAt: h.expiresAt ?? null,
    createdAt: h.createdAt,
    operations: h.operations.map((o) => ({
      operationId: o.operationId,
      kind: o.kind,
      amount: decimal(o.amountMinor),
      status: OPERATION_STATUS_LABELS[o.status],
      createdAt: o.createdAt,
    })),
  };
};
