import * as z from '../../shared/zod';
import { extrasStock, holdMs, reservationStore } from '../../adapters/bookings';
import { carRepository } from '../../adapters/fleet';
import { bookingNotifier } from '../../adapters/notifications';
import { carLocks, fleetCache } from '../../adapters/redis-backed';
import { clock } from '../../shared/clock';
import { decideBooking } from '../../domain/bookings/decide';
import { logger } from '../../shared/logger';
import { queueHandler } from '../../workers/queue-handler';

const deps = {
  reservations: reservationStore(),
  cars: carRepository(),
  cache: fleetCache(),
  locks: carLocks(),
  notifier: bookingNotifier(),
  clock,
  holdMs: holdMs(),
  stock: extrasStock(),
};
const BookingMessage = z.object({ reservationId: z.uuid(), carId: z.uuid() });

export const handler = queueHandler('decideBooking', BookingMessage, async ({ reservationId }) => {
  const decision = await decideBooking(deps, reservationId);
  logger.info('booking decided', { reservationId, decision });
});
