import * as z from '../../shared/zod';
import { randomUUID } from 'node:crypto';
import { paymentGateways } from '../../adapters/payments';
import { paymentStore } from '../../adapters/payments/store';
import { refundCancellation } from '../../domain/payments/refunds';
import { logger } from '../../shared/logger';
import { queueHandler } from '../../workers/queue-handler';
import { clock } from '../../shared/clock';

const deps = { payments: paymentStore(), gateways: paymentGateways(), clock, newId: randomUUID };

/** The part of a booking event (SNS raw delivery) this worker reads. */
const CancelledEvent = z.object({
  type: z.literal('ReservationCancelled'),
  reservation: z.object({ reservationId: z.string(), refund: z.optional(z.object({ amountMinor: z.int().check(z.nonnegative()) })) }),
});

export const handler = queueHandler('refundCancellations', CancelledEvent, async ({ reservation }) => {
  const refund = await refundCancellation(deps, reservation.reservationId, reservation.refund?.amountMinor ?? 0);
  logger.info('cancellation refund', { reservationId: reservation.reservationId, refundId: refund?.refundId ?? null });
});
