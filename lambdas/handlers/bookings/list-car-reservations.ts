import { cursorKey } from '../../adapters/cursor-key';
import { reservationStore } from '../../adapters/bookings';
import { clock } from '../../shared/clock';
import { bookingRoutes as routes } from '../../api/routes/bookings';
import { carReservations } from '../../domain/bookings/history';
import { byVersion, httpHandler } from '../../http/handler';
import { presentPage, presentPageV2 } from './presenter';

const deps = { reservations: reservationStore(), clock };

/** One use case, each version's view (and its own cursors: each route seals its own). */
export const handler = byVersion({
  v1: httpHandler(
    routes.listCarReservations,
    async ({ params, query }) => ({
      body: presentPage(await carReservations(deps, params.carId, query)),
    }),
    { cursorKey },
  ),
  v2: httpHandler(
    routes.listCarReservationsV2,
    async ({ params, query }) => ({
      body: presentPageV2(await carReservations(deps, params.carId, query)),
    }),
    { cursorKey },
  ),
});
