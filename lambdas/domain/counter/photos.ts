import { validationError } from '../../shared/errors';
import type { Damage } from '../bookings/reservation';
import { photoFileName, type PhotoContentType } from '../fleet/catalog';

/**
 * A rental's check-out, return and damage photos (issue 20). They go to the car-media bucket as car
 * photos do, through a short-lived presigned PUT bound to the content type and size (POST
 * /v2/reservations/{id}/photos, its own function: the hand-overs never load the S3 client), under the
 * reservation's own prefix. Each key issued is recorded with the reservation, and a hand-over accepts
 * only keys issued for that reservation: not another rental's, nor one made up.
 */

/** Every rental photo's key starts with this (`rentals/<reservationId>/<photoId>.<ext>`); the upload right stops there. */
export const RENTAL_PHOTO_PREFIX = 'rentals/';
/** Photos one hand-over (or one damage) lists. */
export const MAX_PHOTOS_PER_HANDOVER = 20;
/** Uploads one rental may be given, all hand-overs together (retries and photos left out count too). */
export const MAX_PHOTOS_PER_RENTAL = 100;

export const rentalPhotoKey = (reservationId: string, photoId: string, contentType: PhotoContentType): string =>
  `${RENTAL_PHOTO_PREFIX}${reservationId}/${photoFileName(photoId, contentType)}`;

/** The keys issued for each rental's photos (with the reservation: adapters/counter/rental-photos.ts). */
export interface RentalPhotos {
  /** Records a key issued for the reservation's photo; false when it has `max` already. */
  issue(reservationId: string, key: string, max: number): Promise<boolean>;
  issued(reservationId: string): Promise<ReadonlySet<string>>;
}

/** The photo keys a hand-over lists, each with the request field it came in (`body.damages.0.photos.1`). */
const listedPhotos = (input: { photos?: string[]; damages?: Damage[] }) => [
  ...(input.photos ?? []).map((key, i) => ({ key, field: `body.photos.${i}` })),
  ...(input.damages ?? []).flatMap((d, i) => (d.photos ?? []).map((key, j) => ({ key, field: `body.damages.${i}.photos.${j}` }))),
];

/**
 * Refuses (400, naming each field) a hand-over's photo that was not issued for this reservation. Reads
 * the issued keys only when the hand-over lists photos.
 */
export const checkRentalPhotos = async (
  photos: Pick<RentalPhotos, 'issued'>,
  reservationId: string,
  input: { photos?: string[]; damages?: Damage[] },
): Promise<void> => {
  const listed = listedPhotos(input);
  if (listed.length === 0) return;
  const issued = await photos.issued(reservationId);
  const unknown = listed.filter(({ key }) => !issued.has(key));
  if (unknown.length) {
    throw validationError(
      unknown.map(({ field }) => ({
        field,
        message: `Not a photo uploaded for this reservation: give the key POST /v2/reservations/${reservationId}/photos answered.`,
      })),
    );
  }
};
