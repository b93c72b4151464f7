import { carRepository } from '../../adapters/fleet';
import { fleetRoutes as routes } from '../../api/routes/fleet';
import { branches } from '../../domain/fleet/queries';
import { httpHandler } from '../../http/handler';

const deps = { cars: carRepository() };

export const handler = httpHandler(routes.listLocations, async () => ({
  body: { locations: await branches(deps) },
}));
