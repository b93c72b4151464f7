import { randomUUID } from 'node:crypto';
import { reservationStore } from '../../adapters/bookings';
import { rentalPhotos } from '../../adapters/counter/rental-photos';
import { mediaStore } from '../../adapters/fleet/media';
import { rentalPhotoRoutes as routes } from '../../api/routes/rental-photos';
import { startRentalPhotoUpload } from '../../domain/counter/photo-upload';
import { httpHandler } from '../../http/handler';
import { counterActorOf } from '../../http/principal';

const deps = { reservations: reservationStore(), photos: rentalPhotos(), media: mediaStore(), newId: randomUUID };

export const handler = httpHandler(routes.addRentalPhoto, async ({ params, principal, body }) => ({
  status: 201,
  body: await startRentalPhotoUpload(deps, counterActorOf(principal), params.reservationId, body.contentType, body.contentLength),
}));
