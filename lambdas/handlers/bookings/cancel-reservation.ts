import { reservationStore } from '../../adapters/bookings';
import { bookingNotifier } from '../../adapters/notifications';
import { fleetCache } from '../../adapters/redis-backed';
import { clock } from '../../shared/clock';
import { bookingRoutes as routes } from '../../api/routes/bookings';
import { cancelReservation } from '../../domain/bookings/lifecycle';
import { httpHandler } from '../../http/handler';
import { actorOf } from '../../http/principal';
import { presentReservation } from './presenter';

const deps = { reservations: reservationStore(), cache: fleetCache(), notifier: bookingNotifier(), clock };

export const handler = httpHandler(routes.cancelReservation, async ({ params, principal }) => ({
  body: presentReservation(await cancelReservation(deps, actorOf(principal), params.reservationId)),
}));
