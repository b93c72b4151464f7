import { LOCATIONS } from './catalog';
import type { Car, Photo } from './car';
import { activeCarWithPhotos } from './manage-cars';
import type { FleetDeps } from './ports';

/** Public reads of the fleet. */

export const carDetails = async (
  deps: Pick<FleetDeps, 'cars' | 'cache' | 'media'>,
  carId: string,
): Promise<{ car: Car; photos: Photo[] }> => {
  const { details, generation } = await deps.cache.lookupCar(carId);
  let found = details;
  if (!found) {
    // Stored under the generation read before DynamoDB: if the car changed meanwhile, its invalidation
    // moved the generation on and these possibly old details are never served.
    found = await activeCarWithPhotos(deps, carId);
    await deps.cache.storeCar(carId, generation, found);
  }
  const photos = await uploadedPhotos(deps, found.car, found.photos);
  // A photo confirmed by this very read became the cover if there was none (confirmPhoto's if_not_exists).
  const car = found.car.coverPhotoKey || photos.length === 0 ? found.car : { ...found.car, coverPhotoKey: photos[0].key };
  return { car, photos };
};

/**
 * Only photos whose object exists are listed: an upload URL may never be used. A photo not yet seen
 * uploaded is checked with a HEAD on read (the same call on S3 and on the local stand-in, which emits
 * no bucket events); once there it is marked uploaded (and becomes the cover if the car has none), so
 * it is checked once. Until then it is left out.
 */
const uploadedPhotos = async (deps: Pick<FleetDeps, 'cars' | 'cache' | 'media'>, car: Car, photos: Photo[]): Promise<Photo[]> => {
  const pending = photos.filter((p) => !p.uploaded);
  if (pending.length === 0) return photos;
  const there = await Promise.all(pending.map((p) => deps.media.exists(p.key)));
  const arrived = new Set<string>();
  // Confirmed one after another, oldest first: the first one confirmed becomes the cover, so two photos
  // seen by one read make the older one the cover, as this answer says.
  for (const [i, p] of pending.entries()) {
    if (!there[i]) continue;
    await deps.cars.confirmPhoto(car.carId, p);
    arrived.add(p.photoId);
  }
  if (arrived.size > 0) await Promise.all([deps.cache.invalidateCar(car.carId), deps.cache.invalidateLocation(car.location)]);
  return photos.filter((p) => p.uploaded || arrived.has(p.photoId)).map((p) => ({ ...p, uploaded: true }));
};

/** Every code a car may use (the catalog's LOCATIONS), with its active cars (counters kept in the car transactions). */
export const locationsWithCounts = async (deps: Pick<FleetDeps, 'cars'>): Promise<Array<{ code: string; activeCars: number }>> => {
  const counts = await deps.cars.locationCounts();
  return LOCATIONS.map((code) => ({ code, activeCars: counts.get(code) ?? 0 }));
};

/**
 * The branches: the locations a customer can rent from, i.e. those with at least one active car. A
 * code of the catalog without cars is only a place an admin may open a branch (by adding a car there).
 */
export const branches = async (deps: Pick<FleetDeps, 'cars'>): Promise<Array<{ code: string; activeCars: number }>> =>
  (await locationsWithCounts(deps)).filter((location) => location.activeCars > 0);
