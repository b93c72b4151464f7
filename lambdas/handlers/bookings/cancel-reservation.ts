import { reservationStore } from '../../adapters/bookings';
import { bookingNotifier } from '../../adapters/notifications';
import { fleetCache } from '../../adapters/redis-backed';
import { clock } from '../../shared/clock';
import { bookingRoutes as routes } from '../../api/routes/bookings';
import { cancelReservation } from '../../domain/bookings/lifecycle';
import { byVersion, httpHandler } from '../../http/handler';
import { actorOf, type Principal } from '../../http/principal';
import { presentReservation, presentReservationV2 } from './presenter';

const deps = { reservations: reservationStore(), cache: fleetCache(), notifier: bookingNotifier(), clock };

const cancel = (principal: Principal | undefined, reservationId: string) => cancelReservation(deps, actorOf(principal), reservationId);

/** One use case, each version's view. */
export const handler = byVersion({
  v1: httpHandler(routes.cancelReservation, async ({ params, principal }) => ({
    body: presentReservation(await cancel(principal, params.reservationId)),
  })),
  v2: httpHandler(routes.cancelReservationV2, async ({ params, principal }) => ({
    body: presentReservationV2(await cancel(principal, params.reservationId)),
  })),
});
