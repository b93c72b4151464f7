import { reservationStore } from '../../adapters/bookings';
import { bookingRoutes as routes } from '../../api/routes/bookings';
import { reservationFor } from '../../domain/bookings/lifecycle';
import { httpHandler } from '../../http/handler';
import { actorOf } from '../../http/principal';
import { presentReservation } from './presenter';

const deps = { reservations: reservationStore() };

export const handler = httpHandler(routes.getReservation, async ({ params, principal }) => ({
  body: presentReservation(await reservationFor(deps, actorOf(principal), params.reservationId)),
}));
