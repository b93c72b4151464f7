import { upcomingReservations } from '../../adapters/bookings';
import { carRepository } from '../../adapters/fleet';
import { fleetCache } from '../../adapters/redis-backed';
import { clock } from '../../shared/clock';
import { fleetRoutes as routes } from '../../api/routes/fleet';
import { removeCar } from '../../domain/fleet/manage-cars';
import { httpHandler } from '../../http/handler';
import { countEvent } from '../../shared/business-metrics';

const deps = { cars: carRepository(), cache: fleetCache(), reservations: upcomingReservations(), clock };

export const handler = httpHandler(routes.deleteCar, async ({ params }) => {
  await removeCar(deps, params.carId);
  countEvent('CarsChanged');
  return { body: { message: 'Car removed successfully' } };
});
