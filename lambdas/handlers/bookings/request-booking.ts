import { routes } from '../../api/routes';
import { bookingHandler } from './book';

/** v1: a car for whole UTC days. */
export const handler = bookingHandler(routes.requestBooking, (body) => ({ period: { startDate: body.startDate, endDate: body.endDate } }));
