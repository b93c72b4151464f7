import { ReservationIdParams, ReservationViewV2 } from '../booking-schemas';
import { PickupBody, ReturnBody } from '../counter-schemas';
import { defineRoute } from '../route';
import { ADMIN_THROTTLE } from './throttle';

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
  returnRental: defineRoute({
    operationId: 'returnRental',
    method: 'POST',
    path: '/reservations/{reservationId}/return',
    versions: ['v2'],
    capability: 'returnRental',
    access: 'agent',
    summary:
      'Agent at the return location: take the car back (Active -> Completed) with the return’s charges (late, fuel, mileage) settled from the deposit; a one-way rental’s car moves here; the receipt is emailed. A repeat answers the rental as it is.',
    tag,
    request: { params: ReservationIdParams, body: ReturnBody },
    responses: { 200: { description: 'The rental, Completed, with its charges and settlement', schema: ReservationViewV2 } },
    errors: [403, 404, 409, 422, 503],
    throttle: ADMIN_THROTTLE,
  }),
};
