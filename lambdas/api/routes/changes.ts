import { ReservationIdParams } from '../booking-schemas';
import { ChangedReservationView, ChangeReservationBody } from '../change-schemas';
import { defineRoute } from '../route';
import { BOOKING_THROTTLE } from './throttle';

/** Changes and extensions of a rental (v2 only; docs/counter.md). */
export const changeRoutes = {
  changeReservation: defineRoute({
    operationId: 'changeReservation',
    method: 'PATCH',
    path: '/reservations/{reservationId}',
    versions: ['v2'],
    capability: 'changeReservation',
    access: 'customer',
    summary:
      'Change a rental (yours, or any for admins): its times and extras before pick-up, a later return once the car is out (an extension). Re-priced and decided as a booking is (never double-booked); a higher price charges the difference on the rental’s payment method, a lower one refunds it less what the cancellation policy keeps (a CHANGE_FEE line). A change that fails leaves the reservation as it was; the same change again answers it as it is.',
    tag: 'Reservations',
    request: { params: ReservationIdParams, body: ChangeReservationBody },
    responses: {
      200: { description: 'The reservation as changed, with what the change charged or refunded', schema: ChangedReservationView },
    },
    errors: [404, 409, 422, 503],
    throttle: BOOKING_THROTTLE,
  }),
};
