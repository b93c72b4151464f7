import { ReservationIdParams, ReservationViewV2 } from '../booking-schemas';
import { PickupBody } from '../pickup-schemas';
import { defineRoute } from '../route';
import { ADMIN_THROTTLE } from './throttle';
import { counterReturnRoutes } from './counter-return';

const tag = 'Counter';

/** The counter (v2 only): an agent at the location (or an admin) hands a rental's car over and takes it back. */
export const counterRoutes = {
  pickUpRental: defineRoute({
    operationId: 'pickUpRental',
    method: 'POST',
    path: '/reservations/{reservationId}/pickup',
    versions: ['v2'],
    capability: 'pickUpRental',
    access: 'agent',
    summary:
      'Agent: hand the car over (Confirmed -> Active), from an hour before the pick-up time until the no-show deadline: records the car’s state, authorises the deposit, captures a pay-at-pick-up price. A repeat answers the rental as it is.',
    tag,
    request: { params: ReservationIdParams, body: PickupBody },
    responses: { 200: { description: 'The rental, Active', schema: ReservationViewV2 } },
    errors: [403, 404, 409, 422, 503],
    throttle: ADMIN_THROTTLE,
  }),
  ...counterReturnRoutes,
};
