import * as z from '../shared/zod';
import {
  CAR_TYPES,
  FUELS,
  LOCATIONS,
  MAX_PHOTO_BYTES,
  MAX_PRICE_PER_DAY,
  MAX_RENTAL_DAYS,
  MIN_YEAR,
  PHOTO_CONTENT_TYPES,
  TRANSMISSIONS,
} from '../domain/fleet/catalog';
import { hasAtMostTwoDecimals } from '../domain/fleet/money';
import { periodProblems } from '../domain/fleet/period';
import { clock } from '../shared/clock';
import { whole } from '../shared/validation';

/** Request and response schemas of the fleet routes (admin car management, car details, search). */

export const CarType = z.enum(CAR_TYPES).check(z.meta({ description: 'Car category.' }));
export const LocationCode = z
  // 100 codes are too many to list in an error: point to where they are.
  .enum(LOCATIONS, { error: 'Unknown location code; GET /v1/locations lists them.' })
  .check(z.meta({ description: 'IATA code of a rental location (see GET /v1/locations).' }));

const Price = z
  .number()
  .check(
    z.positive(),
    z.lte(MAX_PRICE_PER_DAY),
    z.refine(hasAtMostTwoDecimals, 'Use at most 2 decimals.'),
    z.meta({ description: 'Price per day in the currency unit, at most 2 decimals (stored as integer cents).', example: 49.99 }),
  );

const Text = z.string().check(z.trim(), z.minLength(1), z.maxLength(60));

export const CarBody = z
  .strictObject({
    make: Text,
    model: Text,
    year: z
      .int()
      .check(
        z.gte(MIN_YEAR),
        // Next year by the clock at each request: a bound fixed at load (or deploy) time goes stale each January.
        z.refine((year) => year <= clock.now().getUTCFullYear() + 1, 'The model year is at most next year.'),
        z.meta({ description: `Model year, ${MIN_YEAR} to next year.` }),
      ),
    type: CarType,
    location: LocationCode,
    rentalPricePerDay: Price,
    seats: z.optional(z.int().check(z.gte(1), z.lte(15))),
    transmission: z.optional(z.enum(TRANSMISSIONS)),
    fuel: z.optional(z.enum(FUELS)),
    features: z.optional(z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(40))).check(z.maxLength(20))),
  })
  .check(z.meta({ id: 'CarInput', description: 'A car as an administrator creates or replaces it. Unknown fields are refused.' }));

export const CarIdParams = z.object({ carId: z.uuid() });
export const PhotoParams = z.object({ carId: z.uuid(), photoId: z.uuid() });

export const PhotoUploadBody = z
  .strictObject({
    contentType: z.enum(PHOTO_CONTENT_TYPES),
    contentLength: z
      .int()
      .check(
        z.positive(),
        z.lte(MAX_PHOTO_BYTES),
        z.meta({ description: `Exact size of the file in bytes (at most ${MAX_PHOTO_BYTES}); the upload URL only accepts that size.` }),
      ),
  })
  .check(z.meta({ id: 'PhotoUploadRequest' }));

export const PhotoUploadResponse = z
  .object({
    photoId: z.string(),
    upload: z.object({
      url: z.string(),
      method: z.literal('PUT'),
      headers: z.record(z.string(), z.string()).check(z.meta({ description: 'Send these headers with the PUT.' })),
      expiresAt: z.iso.datetime(),
    }),
  })
  .check(z.meta({ id: 'PhotoUpload' }));

export const CarCreated = z.object({ carId: z.string(), message: z.string() });
export const Message = z.object({ message: z.string() });

// CarDetails adds to these fields: spreading them keeps CarSummary's description off the Car schema
// (`z.extend` would carry CarSummary's meta check along).
const carSummaryFields = {
  carId: z.string(),
  make: z.string(),
  model: z.string(),
  year: z.int(),
  type: CarType,
  location: LocationCode,
  rentalPricePerDay: z.number(),
  seats: z.optional(z.int()),
  transmission: z.optional(z.enum(TRANSMISSIONS)),
  fuel: z.optional(z.enum(FUELS)),
  features: z.optional(z.array(z.string())),
  photoUrl: z.nullable(z.string()).check(z.meta({ description: 'Presigned URL of the cover photo, or null.' })),
  rating: z.object({ average: z.nullable(z.number()), count: z.int() }),
};

export const CarSummary = z.object(carSummaryFields).check(z.meta({ description: 'A car as search results show it.' }));

export const CarDetails = z
  .object({ ...carSummaryFields, photos: z.array(z.object({ photoId: z.string(), url: z.string(), contentType: z.string() })) })
  .check(z.meta({ id: 'Car' }));

export const Locations = z
  .object({ locations: z.array(z.object({ code: LocationCode, activeCars: z.int() })) })
  .check(z.meta({ id: 'Locations' }));

export const SearchResults = z
  .object({
    cars: z.array(CarSummary),
    nextCursor: z.nullable(z.string()).check(z.meta({ description: 'Pass as `cursor` for the next page; null on the last page.' })),
  })
  .check(z.meta({ id: 'CarSearchResults' }));

export const IsoDate = z.iso.date();
const QueryPrice = z.coerce
  .number()
  .check(z.nonnegative(), z.lte(MAX_PRICE_PER_DAY), z.refine(hasAtMostTwoDecimals, 'Use at most 2 decimals.'));

export const SearchQuery = z
  .object({
    location: LocationCode,
    startDate: IsoDate.check(z.meta({ description: 'Pick-up day (YYYY-MM-DD, UTC), today or later.' })),
    endDate: IsoDate.check(
      z.meta({
        description: `Return day (YYYY-MM-DD); the car is rented for the days from startDate up to, not including, endDate. At most ${MAX_RENTAL_DAYS} days.`,
      }),
    ),
    type: z.optional(CarType),
    minPrice: z.optional(QueryPrice),
    maxPrice: z.optional(QueryPrice),
    sort: z
      ._default(z.enum(['price', '-price', '-rating']), 'price')
      .check(
        z.meta({
          description:
            'By price per day, ascending or (-price) descending; or (-rating) best rated first (average, then number of reviews, then price).',
        }),
      ),
    limit: z._default(z.coerce.number().check(whole(), z.gte(1), z.lte(100)), 20),
    cursor: z.optional(z.string().check(z.maxLength(2000))).check(z.meta({ description: 'Opaque cursor from the previous page.' })),
  })
  .check(
    z.superRefine((query, ctx) => {
      for (const problem of periodProblems(query, clock.now())) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
      if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice) {
        ctx.addIssue({ code: 'custom', path: ['maxPrice'], message: 'maxPrice is below minPrice.' });
      }
    }),
  );
