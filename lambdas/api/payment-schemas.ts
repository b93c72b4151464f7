import * as z from 'zod';
import { hasAtMostTwoDecimals } from '../domain/fleet/money';

/** Request and response schemas of the payment routes. */

const Amount = z.number().positive().max(10_000_000).refine(hasAtMostTwoDecimals, 'Use at most 2 decimals.');

export const IdempotencyKeyHeader = z.object({
  'idempotency-key': z
    .string({ error: 'The Idempotency-Key header is required: a unique key per payment attempt (a retry sends the same one).' })
    .regex(/^[\x21-\x7e]{1,255}$/, 'Use 1 to 255 visible ASCII characters.'),
});

export const OptionalIdempotencyKeyHeader = z.object({ 'idempotency-key': IdempotencyKeyHeader.shape['idempotency-key'].optional() });

export const PaymentBody = z
  .strictObject({
    reservationId: z.uuid(),
    amount: Amount.meta({ description: "The reservation's total price, exactly as quoted (totalPrice)." }),
    paymentMethod: z.string().max(40).meta({ description: 'One of GET /v1/payments/methods.' }),
    details: z.record(z.string().max(40), z.unknown()).meta({ description: "The method's fields (a gateway token, never a card number)." }),
  })
  .meta({ id: 'PaymentRequest' });

export const PaymentView = z
  .object({
    paymentId: z.string(),
    reservationId: z.string(),
    status: z.enum(['Completed', 'Failed']),
    amount: z.number(),
    currency: z.string(),
    paymentMethod: z.string(),
    gateway: z.string().nullable(),
  })
  .meta({ id: 'Payment' });

export const PaymentIdParams = z.object({ paymentId: z.uuid() });

export const RefundBody = z.strictObject({ amount: Amount, reason: z.string().trim().min(1).max(200) }).meta({ id: 'RefundRequest' });

export const RefundView = z
  .object({ refundId: z.string(), paymentId: z.string(), amount: z.number(), reason: z.string(), source: z.string(), status: z.string(), createdAt: z.string() })
  .meta({ id: 'Refund' });

export const PaymentDetail = z
  .object({
    paymentId: z.string(),
    reservationId: z.string(),
    status: z.enum(['processing', 'succeeded', 'declined', 'failed']),
    amount: z.number(),
    refunded: z.number(),
    currency: z.string(),
    paymentMethod: z.string(),
    gateway: z.string().nullable(),
    declineReason: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'PaymentRecord' });

export const ReservationPayments = z
  .object({ payments: z.array(PaymentDetail), refunds: z.array(RefundView) })
  .meta({ id: 'ReservationPayments' });

export const PaymentMethods = z
  .object({
    methods: z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        details: z.record(z.string(), z.unknown()).meta({ description: 'JSON Schema of the `details` this method needs.' }),
      }),
    ),
  })
  .meta({ id: 'PaymentMethods' });
