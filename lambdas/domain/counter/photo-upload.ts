import { conflict } from '../../shared/errors';
import { refuseTransition } from '../bookings/lifecycle';
import type { PhotoContentType } from '../fleet/catalog';
import type { MediaStore, PresignedUpload } from '../fleet/ports';
import type { CounterActor } from './actor';
import { atTheCounter, returnLocationOf, type CounterDeps } from './handover';
import { MAX_PHOTOS_PER_RENTAL, rentalPhotoKey, type RentalPhotos } from './photos';

export interface RentalPhotoUploadDeps extends Pick<CounterDeps, 'reservations'> {
  photos: Pick<RentalPhotos, 'issue'>;
  media: Pick<MediaStore, 'uploadUrl'>;
  newId: () => string;
}

export interface RentalPhotoUpload {
  /** What the pick-up or return lists in `photos` once the file is uploaded. */
  key: string;
  upload: PresignedUpload;
}

/**
 * POST /v2/reservations/{id}/photos: a presigned upload for a photo of the rental's car, for an agent at
 * its pick-up or return location, while it is still to be handed over or taken back (Confirmed or
 * Active). The key is recorded with the reservation before the URL is given, so the hand-over can tell
 * it from any other.
 */
export const startRentalPhotoUpload = async (
  deps: RentalPhotoUploadDeps,
  actor: CounterActor,
  reservationId: string,
  contentType: PhotoContentType,
  contentLength: number,
): Promise<RentalPhotoUpload> => {
  const r = await atTheCounter(deps, actor, reservationId, (found) => [found.car.location, returnLocationOf(found)]);
  if (r.status !== 'Confirmed' && r.status !== 'Active') throw refuseTransition(r, 'photographed at the counter');
  const key = rentalPhotoKey(reservationId, deps.newId(), contentType);
  if (!(await deps.photos.issue(reservationId, key, MAX_PHOTOS_PER_RENTAL))) {
    throw conflict(`This rental has ${MAX_PHOTOS_PER_RENTAL} photo uploads already.`, undefined, 'TOO_MANY_PHOTOS');
  }
  return { key, upload: await deps.media.uploadUrl(key, contentType, contentLength) };
};
