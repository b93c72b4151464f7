import * as z from '../shared/zod';
import {
  CAR_TYPES,
  FUELS,
  LOCATIONS,
  MAX_PHOTOS_PER_CAR,
  MAX_PHOTO_BYTES,
  MAX_PRICE_PER_DAY,
  MAX_RENTAL_DAYS,
  MIN_YEAR,
  PHOTO_CONTENT_TYPES,
  TRANSMISSIONS,
} from '../domain/fleet/catalog';
import { hasAtMostTwoDecimals } from '../domain/fleet/money';
import { CurrencyCode } from '../domain/pricing/rules';
import { periodProblems } from '../domain/fleet/period';
import { WEEKDAYS } from '../domain/rental-time';
import { clock } from '../shared/clock';
import {
  count,
  Cursor,
  freeText,
  Limit,
  list,
  LocalDateTime,
  money,
  NextCursor,
  OffsetDateTime,
  PAGE_MAX,
  ResourceId,
  Sentence,
  text,
  Timestamp,
  Url,
} from './fields';

/** Request and response schemas of the fleet routes (admin car management, car details, search). */

export const CarType = z.enum(CAR_TYPES).check(z.meta({ description: 'Car category.' }));
export const LocationCode = z
  // 100 codes are too many to list in an error: point to where they are.
  .enum(LOCATIONS, { error: 'Unknown location code; the API description lists them, GET /v1/locations the branches with cars.' })
  .check(z.meta({ description: 'IATA code of a rental location (GET /v1/locations lists the branches, the codes with cars).' }));

const Price = money(MAX_PRICE_PER_DAY).check(
  z.meta({
    description: 'Price per day in the currency unit, 0.01 or more, at most 2 decimals (stored as integer cents).',
    example: 49.99,
  }),
);

export const CarBody = z
  .strictObject({
    make: freeText(60),
    model: freeText(60),
    year: z.int().check(
      z.gte(MIN_YEAR),
      // A fixed bound the OpenAPI document can state (int32); the refine below is the real one.
      z.lte(9999, { abort: true }),
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
    features: z.optional(list(freeText(40), 20)),
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
    photoId: ResourceId,
    upload: z.object({
      url: Url,
      method: z.literal('PUT'),
      headers: z.record(text(100), text(1000)).check(z.meta({ description: 'Send these headers with the PUT.' })),
      expiresAt: Timestamp,
    }),
  })
  .check(z.meta({ id: 'PhotoUpload' }));

export const CarCreated = z.object({ carId: ResourceId, message: Sentence });
export const Message = z.object({ message: Sentence });

// CarDetails adds to these fields: spreading them keeps CarSummary's description off the Car schema
// (`z.extend` would carry CarSummary's meta check along).
const carSummaryFields = {
  carId: ResourceId,
  make: text(60),
  model: text(60),
  year: count(9999),
  type: CarType,
  location: LocationCode,
  rentalPricePerDay: z.number(),
  seats: z.optional(count(15)),
  transmission: z.optional(z.enum(TRANSMISSIONS)),
  fuel: z.optional(z.enum(FUELS)),
  features: z.optional(list(text(40), 20)),
  photoUrl: z.nullable(Url).check(z.meta({ description: 'URL of the cover photo on the photo CDN (stable: cacheable), or null.' })),
  rating: z.object({ average: z.nullable(z.number()), count: count() }),
};

export const CarSummary = z.object(carSummaryFields).check(z.meta({ description: 'A car as search results show it.' }));

export const CarDetails = z
  .object({ ...carSummaryFields, photos: list(z.object({ photoId: ResourceId, url: Url, contentType: text(100) }), MAX_PHOTOS_PER_CAR) })
  .check(z.meta({ id: 'Car' }));

export const IsoDate = z.iso.date();
const HourMinute = z.string().check(z.maxLength(5), z.regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/));
/** A branch's rental terms (v2): when and how cars can be picked up and returned there. */
const RentalTerms = {
  timeZone: z.optional(text(64)).check(z.meta({ description: 'v2: IANA time zone; times at this branch are local to it.' })),
  openingHours: z
    .optional(z.record(z.enum(WEEKDAYS), z.nullable(z.object({ opens: HourMinute, closes: HourMinute }))))
    .check(z.meta({ description: 'v2: hours per weekday, local (null: closed); pick-up and return must fall within them.' })),
  closedDates: z.optional(list(IsoDate, 366)).check(z.meta({ description: 'v2: local dates the branch is closed.' })),
  minNoticeMinutes: z.optional(count()).check(z.meta({ description: 'v2: how soon a booking may start.' })),
  turnaroundMinutes: z
    .optional(count())
    .check(z.meta({ description: 'v2: cleaning between rentals: a car is ready this long after its return.' })),
  gracePeriodMinutes: z
    .optional(count())
    .check(z.meta({ description: 'v2: a return this late is not billed another day (days are per started 24 hours after it).' })),
};

export const Locations = z
  .object({ locations: list(z.object({ code: LocationCode, activeCars: count(), ...RentalTerms }), LOCATIONS.length) })
  .check(z.meta({ id: 'Locations' }));

export const SearchResults = z
  .object({
    cars: list(CarSummary, PAGE_MAX),
    nextCursor: NextCursor,
  })
  .check(z.meta({ id: 'CarSearchResults' }));

/** v2: a car as search shows it, with what the whole rental costs. */
export const TimedSearchResults = z
  .object({
    pickupAt: OffsetDateTime,
    returnAt: OffsetDateTime,
    days: count(MAX_RENTAL_DAYS + 1).check(z.meta({ description: 'Days billed: one per started 24 hours after the grace period.' })),
    currency: CurrencyCode.check(z.meta({ description: 'ISO 4217 code: the location’s currency, of every total.' })),
    cars: list(
      z.object({
        ...carSummaryFields,
        totalPrice: z.number().check(
          z.meta({
            description:
              'The rental’s price for these times by the location’s pricing (rates, season, weekend, fees and taxes; no extras, one-way or young-driver fee): what a quote for the car starts from.',
          }),
        ),
        currency: CurrencyCode,
      }),
      PAGE_MAX,
    ),
    nextCursor: NextCursor,
  })
  .check(z.meta({ id: 'TimedCarSearchResults' }));

const QueryPrice = z.coerce
  .number()
  .check(z.nonnegative(), z.lte(MAX_PRICE_PER_DAY), z.refine(hasAtMostTwoDecimals, 'Use at most 2 decimals.'));

const searchFilters = {
  type: z.optional(CarType),
  minPrice: z.optional(QueryPrice),
  maxPrice: z.optional(QueryPrice),
};

/** v2: cars free from a time to a time (the times are checked at the location: zone, hours, notice). */
export const TimedSearchQuery = z
  .object({
    location: LocationCode,
    pickupAt: LocalDateTime,
    returnAt: LocalDateTime,
    ...searchFilters,
    sort: z._default(z.enum(['price', '-price', '-rating']), 'price').check(
      z.meta({
        description:
          'By total price, ascending or (-price) descending; or (-rating) best rated first (then number of reviews, then price).',
      }),
    ),
    limit: Limit,
    cursor: Cursor,
  })
  .check(
    z.superRefine((query, ctx) => {
      if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice) {
        ctx.addIssue({ code: 'custom', path: ['maxPrice'], message: 'maxPrice is below minPrice.' });
      }
    }),
  );

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
    sort: z._default(z.enum(['price', '-price', '-rating']), 'price').check(
      z.meta({
        description:
          'By price per day, ascending or (-price) descending; or (-rating) best rated first (average, then number of reviews, then price).',
      }),
    ),
    limit: Limit,
    cursor: Cursor,
  })
  .check(
    z.superRefine((query, ctx) => {
      for (const problem of periodProblems(query, clock.now()))
        ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
      if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice) {
        ctx.addIssue({ code: 'custom', path: ['maxPrice'], message: 'maxPrice is below minPrice.' });
      }
    }),
  );
