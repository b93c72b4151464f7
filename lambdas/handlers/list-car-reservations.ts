import { bookingDeps } from '../adapters/bookings';
import { routes } from '../api/routes';
import { carReservations } from '../domain/bookings/history';
import { httpHandler } from '../http/handler';
import { presentPage } from './bookings-presenter';

const deps = bookingDeps();

export const handler = httpHandler(routes.listCarReservations, async ({ params, query }) => ({
  body: presentPage(await carReservations(deps, params.carId, query)),
}));
