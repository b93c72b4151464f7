import * as z from 'zod';
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

/** Request and response schemas of the fleet routes (admin car management, car details, search). */

export const CarType = z.enum(CAR_TYPES).meta({ description: 'Car category.' });
export const LocationCode = z
  // 100 codes are too many to list in an error: point to where they are.
  .enum(LOCATIONS, { error: 'Unknown location code; GET /v1/locations lists them.' })
  .meta({ description: 'IATA code of a rental location (see GET /v1/locations).' });

const Price = z
  .number()
  .positive()
  .max(MAX_PRICE_PER_DAY)
  .refine(hasAtMostTwoDecimals, 'Use at most 2 decimals.')
  .meta({ description: 'Price per day in the currency unit, at most 2 decimals (stored as integer cents).', example: 49.99 });

const Text = z.string().trim().min(1).max(60);

export const CarBody = z
  .strictObject({
    make: Text,
    model: Text,
    year: z
      .number()
      .int()
      .min(MIN_YEAR)
      // Next year by the clock at each request: a bound fixed at load (or deploy) time goes stale each January.
      .refine((year) => year <= clock.now().getUTCFullYear() + 1, 'The model year is at most next year.')
      .meta({ description: `Model year, ${MIN_YEAR} to next year.` }),
    type: CarType,
    location: LocationCode,
    rentalPricePerDay: Price,
    seats: z.number().int().min(1).max(15).optional(),
    transmission: z.enum(TRANSMISSIONS).optional(),
    fuel: z.enum(FUELS).optional(),
    features: z.array(z.string().trim().min(1).max(40)).max(20).optional(),
  })
  .meta({ id: 'CarInput', description: 'A car as an administrator creates or replaces it. Unknown fields are refused.' });

export const CarIdParams = z.object({ carId: z.uuid() });
export const PhotoParams = z.object({ carId: z.uuid(), photoId: z.uuid() });

export const PhotoUploadBody = z
  .strictObject({
    contentType: z.enum(PHOTO_CONTENT_TYPES),
    contentLength: z
      .number()
      .int()
      .positive()
      .max(MAX_PHOTO_BYTES)
      .meta({ description: `Exact size of the file in bytes (at most ${MAX_PHOTO_BYTES}); the upload URL only accepts that size.` }),
  })
  .meta({ id: 'PhotoUploadRequest' });

export const PhotoUploadResponse = z
  .object({
    photoId: z.string(),
    upload: z.object({
      url: z.string(),
      method: z.literal('PUT'),
      headers: z.record(z.string(), z.string()).meta({ description: 'Send these headers with the PUT.' }),
      expiresAt: z.iso.datetime(),
    }),
  })
  .meta({ id: 'PhotoUpload' });

export const CarCreated = z.object({ carId: z.string(), message: z.string() });
export const Message = z.object({ message: z.string() });

export const CarSummary = z
  .object({
    carId: z.string(),
    make: z.string(),
    model: z.string(),
    year: z.number().int(),
    type: CarType,
    location: LocationCode,
    rentalPricePerDay: z.number(),
    seats: z.number().int().optional(),
    transmission: z.enum(TRANSMISSIONS).optional(),
    fuel: z.enum(FUELS).optional(),
    features: z.array(z.string()).optional(),
    photoUrl: z.string().nullable().meta({ description: 'Presigned URL of the cover photo, or null.' }),
    rating: z.object({ average: z.number().nullable(), count: z.number().int() }),
  })
  .meta({ description: 'A car as search results show it.' });

export const CarDetails = CarSummary.extend({
  photos: z.array(z.object({ photoId: z.string(), url: z.string(), contentType: z.string() })),
}).meta({ id: 'Car' });

export const Locations = z
  .object({ locations: z.array(z.object({ code: LocationCode, activeCars: z.number().int() })) })
  .meta({ id: 'Locations' });

export const SearchResults = z
  .object({
    cars: z.array(CarSummary),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  })
  .meta({ id: 'CarSearchResults' });

export const IsoDate = z.iso.date();
const QueryPrice = z.coerce.number().nonnegative().max(MAX_PRICE_PER_DAY).refine(hasAtMostTwoDecimals, 'Use at most 2 decimals.');

export const SearchQuery = z
  .object({
    location: LocationCode,
    startDate: IsoDate.meta({ description: 'Pick-up day (YYYY-MM-DD, UTC), today or later.' }),
    endDate: IsoDate.meta({
      description: `Return day (YYYY-MM-DD); the car is rented for the days from startDate up to, not including, endDate. At most ${MAX_RENTAL_DAYS} days.`,
    }),
    type: CarType.optional(),
    minPrice: QueryPrice.optional(),
    maxPrice: QueryPrice.optional(),
    sort: z
      .enum(['price', '-price', '-rating'])
      .default('price')
      .meta({ description: 'By price per day, ascending or (-price) descending; or (-rating) best rated first (average, then number of reviews, then price).' }),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(2000).optional().meta({ description: 'Opaque cursor from the previous page.' }),
  })
  .superRefine((query, ctx) => {
    for (const problem of periodProblems(query, clock.now())) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
    if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice) {
      ctx.addIssue({ code: 'custom', path: ['maxPrice'], message: 'maxPrice is below minPrice.' });
    }
  });
