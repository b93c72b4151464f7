import { randomUUID } from 'node:crypto';
import { carRepository } from '../../adapters/fleet';
import { mediaStore } from '../../adapters/fleet/media';
import { fleetCache } from '../../adapters/redis-backed';
import { clock } from '../../shared/clock';
import { fleetRoutes as routes } from '../../api/routes/fleet';
import { startPhotoUpload } from '../../domain/fleet/photos';
import { httpHandler } from '../../http/handler';

const deps = { cars: carRepository(), cache: fleetCache(), media: mediaStore(), clock, newId: randomUUID };

export const handler = httpHandler(routes.addCarPhoto, async ({ params, body, headers, principal }) => ({
  status: 201,
  body: await startPhotoUpload(deps, params.carId, body.contentType, body.contentLength, {
    adminId: principal?.userId,
    idempotencyKey: headers['idempotency-key'],
  }),
}));
