import { upcomingReservations } from '../../adapters/bookings';
import { carRepository } from '../../adapters/fleet';
import { fleetCache } from '../../adapters/redis-backed';
import { clock } from '../../shared/clock';
import { fleetRoutes as routes } from '../../api/routes/fleet';
import { updateCar } from '../../domain/fleet/manage-cars';
import { httpHandler } from '../../http/handler';
import { countEvent } from '../../shared/business-metrics';
import { toCarSpec } from './presenter';

const deps = { cars: carRepository(), cache: fleetCache(), reservations: upcomingReservations(), clock };

export const handler = httpHandler(routes.updateCar, async ({ params, body }) => {
  await updateCar(deps, params.carId, toCarSpec(body));
  countEvent('CarsChanged');
  return { body: { message: 'Car updated successfully' } };
});
