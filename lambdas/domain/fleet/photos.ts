import { notFound } from '../../shared/errors';
import { adminClaim, requestHash, type AdminRequest } from '../idempotency';
import { CAR_PHOTO_PREFIX, MAX_PHOTOS_PER_CAR, photoFileName, type PhotoContentType } from './catalog';
import type { Photo } from './car';
import { activeCar, activeCarWithPhotos } from './manage-cars';
import type { FleetDeps, PresignedUpload } from './ports';

/**
 * Photos go straight from the admin's client to S3 through a short-lived presigned PUT, bound to the
 * content type and exact size declared here (so the size cap holds): the API never proxies image bytes.
 */
export const startPhotoUpload = async (
  deps: Pick<FleetDeps, 'cars' | 'media' | 'cache' | 'clock' | 'newId'>,
  carId: string,
  contentType: PhotoContentType,
  contentLength: number,
  request: AdminRequest = {},
): Promise<{ photoId: string; upload: PresignedUpload }> => {
  const { car, photos } = await activeCarWithPhotos(deps, carId);
  const now = deps.clock.now();
  const photoId = deps.newId();
  const photo: Photo = {
    photoId,
    key: `${CAR_PHOTO_PREFIX}${carId}/${photoFileName(photoId, contentType)}`,
    contentType,
    createdAt: now.toISOString(),
  };
  // A retry with the same key gets the first attempt's photo, with a fresh upload URL for it.
  const claim = adminClaim(request, requestHash(carId, contentType, String(contentLength)), now.getTime());
  const stored = await deps.cars.addPhoto(carId, photo, { max: MAX_PHOTOS_PER_CAR, seen: photos.length }, claim);
  const upload = await deps.media.uploadUrl(stored.key, stored.contentType, contentLength);
  // The first photo becomes the cover that search results show.
  await Promise.all([deps.cache.invalidateCar(carId), deps.cache.invalidateLocation(car.location)]);
  return { photoId: stored.photoId, upload };
};

export const deletePhoto = async (deps: Pick<FleetDeps, 'cars' | 'media' | 'cache'>, carId: string, photoId: string): Promise<void> => {
  const car = await activeCar(deps, carId);
  const removed = await deps.cars.deletePhoto(carId, photoId);
  if (!removed) throw notFound(`Photo ${photoId}`);
  await deps.media.delete(removed.key);
  await Promise.all([deps.cache.invalidateCar(carId), deps.cache.invalidateLocation(car.location)]);
};
