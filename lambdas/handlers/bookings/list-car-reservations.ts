import { cursorKey } from '../../adapters/cursor-key';
import { reservationStore } from '../../adapters/bookings';
import { clock } from '../../shared/clock';
import { bookingRoutes as routes } from '../../api/routes/bookings';
import { carReservations } from '../../domain/bookings/history';
import { httpHandler } from '../../http/handler';
import { presentPage } from './presenter';

const deps = { reservations: reservationStore(), clock };

export const handler = httpHandler(
  routes.listCarReservations,
  async ({ params, query }) => ({
    body: presentPage(await carReservations(deps, params.carId, query)),
  }),
  { cursorKey },
);
