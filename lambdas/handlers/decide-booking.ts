import * as z from 'zod';
import { bookingDeps } from '../adapters/bookings';
import { decideBooking } from '../domain/bookings/decide';
import { logger } from '../shared/logger';
import { queueHandler } from '../workers/queue-handler';

const deps = bookingDeps();
const BookingMessage = z.object({ reservationId: z.uuid(), carId: z.uuid() });

export const handler = queueHandler('decideBooking', BookingMessage, async ({ reservationId }) => {
  const decision = await decideBooking(deps, reservationId);
  logger.info('booking decided', { reservationId, decision });
});
