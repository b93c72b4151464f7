import { cursorKey } from '../../adapters/cursor-key';
import { reservationStore } from '../../adapters/bookings';
import { bookingRoutes as routes } from '../../api/routes/bookings';
import { userReservations } from '../../domain/bookings/history';
import type { ReservationStatus } from '../../domain/bookings/reservation';
import { byVersion, httpHandler } from '../../http/handler';
import { actorOf } from '../../http/principal';
import { presentPage, presentPageV2 } from './presenter';

const deps = { reservations: reservationStore() };

/** v1's filter as v1's view shows statuses: Confirmed takes in the rentals under way (Active), Cancelled the no-shows. */
const v1Filter = (status: ReservationStatus | undefined): ReservationStatus | ReservationStatus[] | undefined =>
  status === 'Confirmed' ? ['Confirmed', 'Active'] : status === 'Cancelled' ? ['Cancelled', 'NoShow'] : status;

/** One use case, each version's view (and its own cursors: each route seals its own). */
export const handler = byVersion({
  v1: httpHandler(
    routes.listUserReservations,
    async ({ params, query, principal }) => ({
      body: presentPage(await userReservations(deps, actorOf(principal), params.userId, { ...query, status: v1Filter(query.status) })),
    }),
    { cursorKey },
  ),
  v2: httpHandler(
    routes.listUserReservationsV2,
    async ({ params, query, principal }) => ({
      body: presentPageV2(await userReservations(deps, actorOf(principal), params.userId, query)),
    }),
    { cursorKey },
  ),
});
