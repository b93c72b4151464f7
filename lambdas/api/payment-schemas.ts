import * as z from '../shared/zod';
import { PAYMENT_METHODS } from '../domain/payments/methods';
import { PAYMENT_STATUS_LABELS } from '../domain/payments/ports';
import { freeText, idempotencyKey, list, money, PAGE_MAX, patterned, ResourceId, Sentence, text, Timestamp } from './fields';

/** Request and response schemas of the payment routes. */

const Amount = money(10_000_000);
const IdempotencyKey = idempotencyKey(
  'The Idempotency-Key header is required: a unique key per payment attempt (a retry sends the same one).',
);
export const Currency = text(3);
export const MethodId = text(40);
export const GatewayId = text(40);

export const IdempotencyKeyHeader = z.object({ 'idempotency-key': IdempotencyKey });

export const OptionalIdempotencyKeyHeader = z.object({ 'idempotency-key': z.optional(IdempotencyKey) });

export const PaymentBody = z
  .strictObject({
    reservationId: z.uuid(),
    amount: Amount.check(z.meta({ description: "The reservation's total price, exactly as quoted (totalPrice)." })),
    paymentMethod: MethodId.check(z.meta({ description: 'One of GET /v1/payments/methods.' })),
    details: z
      .record(z.string().check(z.maxLength(40)), z.unknown())
      .check(z.meta({ description: "The method's fields (a gateway token, never a card number)." })),
  })
  .check(z.meta({ id: 'PaymentRequest' }));

/** A payment source taken beside another request (a deposit at the counter, a change's difference): a method and its details. */
export const PaymentSourceBody = z.strictObject({ paymentMethod: PaymentBody.shape.paymentMethod, details: PaymentBody.shape.details });

/** v2: amounts in the reservation's currency (its own minor digits), which the client may say to be sure. */
export const PaymentBodyV2 = z
  .strictObject({
    ...PaymentBody.shape,
    amount: Amount.check(z.meta({ description: "The reservation's total price, exactly as quoted (totalPrice), in its currency." })),
    currency: z.optional(
      patterned(3, /^[A-Z]{3}$/, 'An ISO 4217 currency code.').check(
        z.meta({ description: "ISO 4217; when given it must be the reservation's (`price.currency`), else 422 CURRENCY_MISMATCH." }),
      ),
    ),
  })
  .check(z.meta({ id: 'PaymentRequestV2' }));

export const PaymentView = z
  .object({
    paymentId: ResourceId,
    reservationId: ResourceId,
    status: z.enum(['Completed', 'Failed']),
    amount: z.number(),
    currency: Currency,
    paymentMethod: MethodId,
    gateway: z.nullable(GatewayId),
  })
  .check(z.meta({ id: 'Payment' }));

/** v2: a pay-at-pick-up reservation's payment authorises its total (captured at pick-up) instead of charging it. */
export const AuthorisationView = z
  .object({
    authorisationId: ResourceId,
    reservationId: ResourceId,
    status: z.enum(['Authorised']),
    amount: z.number(),
    currency: Currency,
    paymentMethod: MethodId,
    gateway: z.nullable(GatewayId),
    expiresAt: z.nullable(Timestamp).check(z.meta({ description: 'When the authorisation lapses at the gateway.' })),
  })
  .check(z.meta({ id: 'PaymentAuthorisation' }));

export const PaymentViewV2 = z.union([PaymentView, AuthorisationView]).check(
  z.meta({
    id: 'PaymentResultV2',
    description: 'A payment (paymentOption payNow), or the authorisation of the total (payAtPickup), which pick-up captures.',
  }),
);

export const PaymentIdParams = z.object({ paymentId: z.uuid() });

export const RefundBody = z.strictObject({ amount: Amount, reason: freeText(200) }).check(z.meta({ id: 'RefundRequest' }));

export const RefundView = z
  .object({
    refundId: ResourceId,
    paymentId: ResourceId,
    amount: z.number(),
    reason: text(200),
    source: text(40),
    status: text(40),
    createdAt: Timestamp,
  })
  .check(z.meta({ id: 'Refund' }));

export const PaymentDetail = z
  .object({
    paymentId: ResourceId,
    reservationId: ResourceId,
    status: z.enum(PAYMENT_STATUS_LABELS).check(z.meta({ description: 'Failed covers a decline (see declineReason).' })),
    amount: z.number(),
    refunded: z.number(),
    currency: Currency,
    paymentMethod: MethodId,
    gateway: z.nullable(GatewayId),
    declineReason: z.nullable(Sentence),
    createdAt: Timestamp,
  })
  .check(z.meta({ id: 'PaymentRecord' }));

export const ReservationPayments = z
  .object({ payments: list(PaymentDetail, PAGE_MAX), refunds: list(RefundView, PAGE_MAX) })
  .check(z.meta({ id: 'ReservationPayments' }));

export const PaymentMethods = z
  .object({
    methods: list(
      z.object({
        id: MethodId,
        label: text(100),
        details: z.record(text(100), z.unknown()).check(z.meta({ description: 'JSON Schema of the `details` this method needs.' })),
      }),
      PAYMENT_METHODS.length,
    ),
  })
  .check(z.meta({ id: 'PaymentMethods' }));
