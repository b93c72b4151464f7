import { carRepository } from '../../adapters/fleet';
import { mediaStore } from '../../adapters/fleet/media';
import { fleetCache } from '../../adapters/redis-backed';
import { fleetRoutes as routes } from '../../api/routes/fleet';
import { deletePhoto } from '../../domain/fleet/photos';
import { httpHandler } from '../../http/handler';

const deps = { cars: carRepository(), cache: fleetCache(), media: mediaStore() };

export const handler = httpHandler(routes.deleteCarPhoto, async ({ params }) => {
  await deletePhoto(deps, params.carId, params.photoId);
  return { status: 204 };
});
