import { carRepository } from '../adapters/fleet';
import { routes } from '../api/routes';
import { locationsWithCounts } from '../domain/fleet/queries';
import { httpHandler } from '../http/handler';

const deps = { cars: carRepository() };

export const handler = httpHandler(routes.listLocations, async () => ({
  body: { locations: await locationsWithCounts(deps) },
}));
