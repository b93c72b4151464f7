import { routes } from '../../api/routes';
import { bookingHandler } from './book';

/** v2: a car from a time to a time, local at its location. */
export const handler = bookingHandler(routes.requestTimedBooking, (body) => ({
  times: { pickupAt: body.pickupAt, returnAt: body.returnAt },
}));
