import { fleetDeps } from '../adapters/fleet';
import { routes } from '../api/routes';
import { deletePhoto } from '../domain/fleet/photos';
import { httpHandler } from '../http/handler';

const deps = fleetDeps();

export const handler = httpHandler(routes.deleteCarPhoto, async ({ params }) => {
  await deletePhoto(deps, params.carId, params.photoId);
  return { status: 204 };
});
