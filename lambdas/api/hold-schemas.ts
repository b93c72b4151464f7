import * as z from '../shared/zod';
import { AUTHORISATION_STATUS_LABELS } from '../domain/payments/hold-ports';
import { list, PAGE_MAX, ResourceId, Sentence, Timestamp } from './fields';
import { Currency, GatewayId, MethodId, ReservationPayments } from './payment-schemas';

/** v2's payment listing with the holds: a module of its own, so the functions that take payments (the counter's) do not carry it. */

const labels = <T extends Record<string, string>>(byStatus: T) => Object.values(byStatus) as [T[keyof T], ...Array<T[keyof T]>];

/** v2: a hold on the customer's card, and what ended it. */
export const HoldRecordView = z
  .object({
    authorisationId: ResourceId,
    kind: z.enum(['payAtPickup', 'deposit']).check(
      z.meta({
        description:
          'payAtPickup: the rental’s total, authorised by its payment and captured at pick-up; deposit: the security deposit, authorised at pick-up and released (or partly captured) at the return.',
      }),
    ),
    status: z.enum(labels(AUTHORISATION_STATUS_LABELS)),
    amount: z.number().check(z.meta({ description: 'Authorised.' })),
    captured: z.number().check(z.meta({ description: 'Taken of it.' })),
    currency: Currency,
    paymentMethod: MethodId,
    gateway: z.nullable(GatewayId),
    declineReason: z.nullable(Sentence),
    expiresAt: z.nullable(Timestamp).check(z.meta({ description: 'When the authorisation lapses at the gateway.' })),
    createdAt: Timestamp,
    operations: list(
      z.object({
        operationId: ResourceId,
        kind: z
          .enum(['capture', 'void', 'release'])
          .check(
            z.meta({ description: 'capture: all or part taken; void: none taken; release: a deposit’s end, part taken (possibly none).' }),
          ),
        amount: z.number().check(z.meta({ description: 'Taken by it.' })),
        status: z
          .enum(['Processing', 'Succeeded', 'Failed', 'Refused'])
          .check(z.meta({ description: 'Failed: the gateway could not be reached (retried by the reconciler); Refused: its final no.' })),
        createdAt: Timestamp,
      }),
      PAGE_MAX,
    ),
  })
  .check(z.meta({ id: 'PaymentHold' }));

export const ReservationPaymentsV2 = z
  .object({
    ...ReservationPayments.shape,
    authorisations: list(HoldRecordView, PAGE_MAX).check(
      z.meta({
        description:
          'The holds on the customer’s card (pay at pick-up, the deposit), oldest first, with their captures, voids and releases.',
      }),
    ),
  })
  .check(z.meta({ id: 'ReservationPaymentsV2' }));
