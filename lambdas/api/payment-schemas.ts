import * as z from '../shared/zod';
import { hasAtMostTwoDecimals } from '../domain/fleet/money';

/** Request and response schemas of the payment routes. */

const Amount = z.number().check(z.positive(), z.lte(10_000_000), z.refine(hasAtMostTwoDecimals, 'Use at most 2 decimals.'));

const IdempotencyKey = z
  .string({ error: 'The Idempotency-Key header is required: a unique key per payment attempt (a retry sends the same one).' })
  .check(z.regex(/^[\x21-\x7e]{1,255}$/, 'Use 1 to 255 visible ASCII characters.'));

export const IdempotencyKeyHeader = z.object({ 'idempotency-key': IdempotencyKey });

export const OptionalIdempotencyKeyHeader = z.object({ 'idempotency-key': z.optional(IdempotencyKey) });

export const PaymentBody = z
  .strictObject({
    reservationId: z.uuid(),
    amount: Amount.check(z.meta({ description: "The reservation's total price, exactly as quoted (totalPrice)." })),
    paymentMethod: z.string().check(z.maxLength(40), z.meta({ description: 'One of GET /v1/payments/methods.' })),
    details: z
      .record(z.string().check(z.maxLength(40)), z.unknown())
      .check(z.meta({ description: "The method's fields (a gateway token, never a card number)." })),
  })
  .check(z.meta({ id: 'PaymentRequest' }));

export const PaymentView = z
  .object({
    paymentId: z.string(),
    reservationId: z.string(),
    status: z.enum(['Completed', 'Failed']),
    amount: z.number(),
    currency: z.string(),
    paymentMethod: z.string(),
    gateway: z.nullable(z.string()),
  })
  .check(z.meta({ id: 'Payment' }));

export const PaymentIdParams = z.object({ paymentId: z.uuid() });

export const RefundBody = z
  .strictObject({ amount: Amount, reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)) })
  .check(z.meta({ id: 'RefundRequest' }));

export const RefundView = z
  .object({ refundId: z.string(), paymentId: z.string(), amount: z.number(), reason: z.string(), source: z.string(), status: z.string(), createdAt: z.string() })
  .check(z.meta({ id: 'Refund' }));

export const PaymentDetail = z
  .object({
    paymentId: z.string(),
    reservationId: z.string(),
    status: z.enum(['processing', 'succeeded', 'declined', 'failed']),
    amount: z.number(),
    refunded: z.number(),
    currency: z.string(),
    paymentMethod: z.string(),
    gateway: z.nullable(z.string()),
    declineReason: z.nullable(z.string()),
    createdAt: z.string(),
  })
  .check(z.meta({ id: 'PaymentRecord' }));

export const ReservationPayments = z
  .object({ payments: z.array(PaymentDetail), refunds: z.array(RefundView) })
  .check(z.meta({ id: 'ReservationPayments' }));

export const PaymentMethods = z
  .object({
    methods: z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        details: z.record(z.string(), z.unknown()).check(z.meta({ description: 'JSON Schema of the `details` this method needs.' })),
      }),
    ),
  })
  .check(z.meta({ id: 'PaymentMethods' }));
