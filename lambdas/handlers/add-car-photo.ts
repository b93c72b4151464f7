import { fleetDeps } from '../adapters/fleet';
import { routes } from '../api/routes';
import { startPhotoUpload } from '../domain/fleet/photos';
import { httpHandler } from '../http/handler';

const deps = fleetDeps();

export const handler = httpHandler(routes.addCarPhoto, async ({ params, body }) => ({
  status: 201,
  body: await startPhotoUpload(deps, params.carId, body.contentType, body.contentLength),
}));
