import { fleetDeps } from '../adapters/fleet';
import { routes } from '../api/routes';
import { updateCar } from '../domain/fleet/manage-cars';
import { httpHandler } from '../http/handler';
import { toCarSpec } from './fleet-presenter';

const deps = fleetDeps();

export const handler = httpHandler(routes.updateCar, async ({ params, body }) => {
  await updateCar(deps, params.carId, toCarSpec(body));
  return { body: { message: 'Car updated successfully' } };
});
