import { cursorKey } from '../../adapters/cursor-key';
import { reservationStore } from '../../adapters/bookings';
import { bookingRoutes as routes } from '../../api/routes/bookings';
import { userReservations } from '../../domain/bookings/history';
import { httpHandler } from '../../http/handler';
import { actorOf } from '../../http/principal';
import { presentPage } from './presenter';

const deps = { reservations: reservationStore() };

export const handler = httpHandler(
  routes.listUserReservations,
  async ({ params, query, principal }) => ({
    body: presentPage(await userReservations(deps, actorOf(principal), params.userId, query)),
  }),
  { cursorKey },
);
