import { reservationStore } from '../../adapters/bookings';
import { bookingQueue } from '../../adapters/bookings/queue';
import { bookingNotifier } from '../../adapters/notifications';
import { fleetCache } from '../../adapters/redis-backed';
import { clock } from '../../shared/clock';
import { sweepReservations } from '../../domain/bookings/lifecycle';
import { scheduleHandler } from '../../workers/schedule-handler';

const deps = { reservations: reservationStore(), cache: fleetCache(), notifier: bookingNotifier(), queue: bookingQueue(), clock };

export const handler = scheduleHandler('sweepReservations', () => sweepReservations(deps));
