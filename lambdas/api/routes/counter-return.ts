import { ReservationIdParams, ReservationViewV2 } from '../booking-schemas';
import { ReturnBody } from '../counter-schemas';
import { defineRoute } from '../route';
import { ADMIN_THROTTLE } from './throttle';

/** The counter's return (v2), in a module of its own: the return's function carries no pick-up (deposit card) schemas. */
export const counterReturnRoutes = {
  returnRental: defineRoute({
    operationId: 'returnRental',
    method: 'POST',
    path: '/reservations/{reservationId}/return',
    versions: ['v2'],
    capability: 'returnRental',
    access: 'agent',
    summary:
      'Agent at the return location: take the car back (Active -> Completed) with the return’s charges (late, fuel, mileage) settled from the deposit; a one-way rental’s car moves here; the receipt is emailed. A repeat answers the rental as it is.',
    tag: 'Counter',
    request: { params: ReservationIdParams, body: ReturnBody },
    responses: { 200: { description: 'The rental, Completed, with its charges and settlement', schema: ReservationViewV2 } },
    errors: [403, 404, 409, 422, 503],
    throttle: ADMIN_THROTTLE,
  }),
};
