import { fleetDeps } from '../adapters/fleet';
import { routes } from '../api/routes';
import { carDetails } from '../domain/fleet/queries';
import { httpHandler } from '../http/handler';
import { presentCarDetails } from './fleet-presenter';

const deps = fleetDeps();

export const handler = httpHandler(routes.getCar, async ({ params }) => ({
  body: await presentCarDetails(await carDetails(deps, params.carId), deps.media),
}));
