import { fleetDeps } from '../adapters/fleet';
import { routes } from '../api/routes';
import { createCar } from '../domain/fleet/manage-cars';
import { httpHandler } from '../http/handler';
import { toCarSpec } from './fleet-presenter';

const deps = fleetDeps();

export const handler = httpHandler(routes.createCar, async ({ body }) => {
  const carId = await createCar(deps, toCarSpec(body));
  return { status: 201, body: { carId, message: 'Car added successfully' } };
});
