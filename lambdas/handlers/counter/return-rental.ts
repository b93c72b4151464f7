import { counterReturnRoutes as routes } from '../../api/routes/counter-return';
import { returnRental } from '../../domain/counter/handover';
import { httpHandler } from '../../http/handler';
import { counterActorOf } from '../../http/principal';
import { presentReservationV2 } from '../bookings/presenter';
import { counterDeps } from './deps';

const deps = counterDeps();

export const handler = httpHandler(routes.returnRental, async ({ params, principal, body }) => ({
  body: presentReservationV2(await returnRental(deps, counterActorOf(principal), params.reservationId, body)),
}));
