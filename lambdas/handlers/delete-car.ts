import { fleetDeps } from '../adapters/fleet';
import { routes } from '../api/routes';
import { removeCar } from '../domain/fleet/manage-cars';
import { httpHandler } from '../http/handler';

const deps = fleetDeps();

export const handler = httpHandler(routes.deleteCar, async ({ params }) => {
  await removeCar(deps, params.carId);
  return { body: { message: 'Car removed successfully' } };
});
