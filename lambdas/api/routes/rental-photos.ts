import { ReservationIdParams } from '../booking-schemas';
import { RentalPhotoKey } from '../counter-schemas';
import { PhotoUploadBody, PhotoUploadResponse } from '../fleet-schemas';
import { defineRoute } from '../route';
import { ADMIN_THROTTLE } from './throttle';
import * as z from '../../shared/zod';

const RentalPhotoUploadResponse = z
  .object({
    key: RentalPhotoKey.check(z.meta({ description: 'List it in the pick-up’s or return’s `photos` once the file is uploaded.' })),
    upload: PhotoUploadResponse.shape.upload,
  })
  .check(z.meta({ id: 'RentalPhotoUpload' }));

/** The counter's photo uploads (v2 only), apart from the hand-overs so that their functions do not carry this route. */
export const rentalPhotoRoutes = {
  addRentalPhoto: defineRoute({
    operationId: 'addRentalPhoto',
    method: 'POST',
    path: '/reservations/{reservationId}/photos',
    versions: ['v2'],
    capability: 'addRentalPhoto',
    access: 'agent',
    summary:
      'Agent at the pick-up or return location: a short-lived presigned URL to upload a check-out, return or damage photo (JPEG, PNG or WebP, at most 5 MB) of a Confirmed or Active rental; list its key in the pick-up’s or return’s `photos`.',
    tag: 'Counter',
    request: { params: ReservationIdParams, body: PhotoUploadBody },
    responses: { 201: { description: 'Upload the file with the returned method, URL and headers', schema: RentalPhotoUploadResponse } },
    errors: [403, 404, 409],
    throttle: ADMIN_THROTTLE,
  }),
};
