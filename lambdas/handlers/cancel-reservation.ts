import { bookingDeps } from '../adapters/bookings';
import { routes } from '../api/routes';
import { cancelReservation } from '../domain/bookings/lifecycle';
import { httpHandler } from '../http/handler';
import { actorOf, presentReservation } from './bookings-presenter';

const deps = bookingDeps();

export const handler = httpHandler(routes.cancelReservation, async ({ params, principal }) => ({
  body: presentReservation(await cancelReservation(deps, actorOf(principal), params.reservationId)),
}));
