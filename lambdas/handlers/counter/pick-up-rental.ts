import { counterRoutes as routes } from '../../api/routes/counter';
import { pickUpRental } from '../../domain/counter/handover';
import { httpHandler } from '../../http/handler';
import { counterActorOf } from '../../http/principal';
import { presentReservationV2 } from '../bookings/presenter';
import { counterDeps } from './deps';

const deps = counterDeps();

export const handler = httpHandler(routes.pickUpRental, async ({ params, principal, body }) => ({
  body: presentReservationV2(await pickUpRental(deps, counterActorOf(principal), params.reservationId, body)),
}));
