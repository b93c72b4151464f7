import { carRepository } from '../../adapters/fleet';
import { mediaStore } from '../../adapters/fleet/media';
import { photoUrls } from '../../adapters/fleet/photo-urls';
import { fleetCache } from '../../adapters/redis-backed';
import { fleetRoutes as routes } from '../../api/routes/fleet';
import { carDetails } from '../../domain/fleet/queries';
import { httpHandler } from '../../http/handler';
import { presentCarDetails } from './presenter';

const deps = { cars: carRepository(), cache: fleetCache(), media: mediaStore(), photoUrl: photoUrls() };

export const handler = httpHandler(routes.getCar, async ({ params }) => ({
  body: presentCarDetails(await carDetails(deps, params.carId), deps.photoUrl),
}));
