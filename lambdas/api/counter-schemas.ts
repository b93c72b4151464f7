import * as z from '../shared/zod';
import { MAX_PHOTOS_PER_HANDOVER, RENTAL_PHOTO_PREFIX } from '../domain/counter/photos';
import { count, freeText, list, patterned } from './fields';

/**
 * The counter's bodies (v2). The pick-up's, which takes a deposit card, is in pickup-schemas.ts, so the
 * return's function does not carry the payment schemas.
 */

/** An odometer reading: whole kilometres, far above any car's. */
export const OdometerKm = count(2_000_000).check(z.meta({ description: 'The odometer, in whole kilometres.' }));
export const FuelLevel = count(8).check(z.meta({ description: 'The fuel gauge in eighths of a tank: 0 (empty) to 8 (full).' }));
export const Notes = z.optional(freeText(1000, { multiline: true }));

/** A rental photo's object key, as POST /v2/reservations/{reservationId}/photos gave it. */
export const RentalPhotoKey = patterned(
  200,
  new RegExp(`^${RENTAL_PHOTO_PREFIX}[\\w-]{1,64}/[\\w-]{1,64}\\.(jpg|png|webp)$`),
  'Must be a photo key that POST /v2/reservations/{reservationId}/photos gave for this reservation.',
);
export const RentalPhotoKeys = list(RentalPhotoKey, MAX_PHOTOS_PER_HANDOVER);
export const Photos = (what: string) =>
  z
    .optional(RentalPhotoKeys)
    .check(z.meta({ description: `${what}: keys from POST /v2/reservations/{reservationId}/photos, each uploaded first.` }));

export const ReturnBody = z
  .strictObject({
    odometerKm: OdometerKm.check(z.meta({ description: 'At least the reading at pick-up.' })),
    fuelLevel: FuelLevel,
    notes: Notes,
    photos: Photos('Photos of the car as it came back'),
    damages: z
      .optional(list(z.strictObject({ description: freeText(1000, { multiline: true }), photos: Photos('Photos of the damage') }), 20))
      .check(z.meta({ description: 'Damage found at the return, recorded for the branch to assess (not charged here).' })),
  })
  .check(z.meta({ id: 'ReturnRequest' }));
