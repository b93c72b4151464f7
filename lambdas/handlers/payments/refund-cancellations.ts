import * as z from '../../shared/zod';
import { randomUUID } from 'node:crypto';
import { paymentGateways } from '../../adapters/payments';
import { holdStore, paymentStore } from '../../adapters/payments/store';
import { PAYMENT_OPTIONS } from '../../domain/bookings/reservation';
import { settleEndedReservation } from '../../domain/payments/ended';
import { logger } from '../../shared/logger';
import { queueHandler } from '../../workers/queue-handler';
import { clock } from '../../shared/clock';

const deps = { payments: paymentStore(), holds: holdStore(), gateways: paymentGateways(), clock, newId: randomUUID };

const Minor = z.int().check(z.nonnegative());

/** The part of a booking event (SNS raw delivery) this worker reads: a cancellation or a no-show. */
const EndedEvent = z.object({
  type: z.enum(['ReservationCancelled', 'ReservationNoShow']),
  reservation: z.object({
    reservationId: z.string(),
    paymentOption: z.optional(z.enum(PAYMENT_OPTIONS)),
    price: z.optional(z.object({ totalMinor: Minor })),
    refund: z.optional(z.object({ amountMinor: Minor })),
    terms: z.optional(z.object({ noShowFeeMinor: Minor })),
  }),
});

export const handler = queueHandler('refundCancellations', EndedEvent, async (event) => {
  const outcome = await settleEndedReservation(deps, event);
  logger.info(event.type === 'ReservationNoShow' ? 'no-show settled' : 'cancellation settled', {
    reservationId: event.reservation.reservationId,
    refundId: 'refund' in outcome ? (outcome.refund?.refundId ?? null) : null,
    ...('keptMinor' in outcome ? { keptMinor: outcome.keptMinor, operationId: outcome.kept?.operationId ?? null } : {}),
  });
});
