import { reservationStore } from '../../adapters/bookings';
import { bookingRoutes as routes } from '../../api/routes/bookings';
import { reservationFor } from '../../domain/bookings/lifecycle';
import { byVersion, httpHandler } from '../../http/handler';
import { actorOf, type Principal } from '../../http/principal';
import { presentReservation, presentReservationV2 } from './presenter';

const deps = { reservations: reservationStore() };

const reservation = (principal: Principal | undefined, reservationId: string) => reservationFor(deps, actorOf(principal), reservationId);

/** One use case, each version's view. */
export const handler = byVersion({
  v1: httpHandler(routes.getReservation, async ({ params, principal }) => ({
    body: presentReservation(await reservation(principal, params.reservationId)),
  })),
  v2: httpHandler(routes.getReservationV2, async ({ params, principal }) => ({
    body: presentReservationV2(await reservation(principal, params.reservationId)),
  })),
});
