import * as z from '../shared/zod';
import { CurrencyCode, MAX_EXTRAS } from '../domain/pricing';
import { list, LocalDateTime, OffsetDateTime, patterned, ResourceId, text, Timestamp } from './fields';
import { LocationCode } from './fleet-schemas';

/**
 * Request and response schemas of quotes (v2). Amounts are decimals of the quote's currency (its minor
 * digits: USD 2, JPY 0), each line's amount is its quantity times its unit amount, and the lines sum
 * exactly to `total` (docs/pricing.md).
 */

const ExtraCode = patterned(32, /^[A-Z][A-Z0-9_]{0,31}$/, 'Use an extra’s code, such as CHILD_SEAT.');
/** Extras chosen for a rental (a quote, a change): each a code and how many. */
export const ExtraChoices = list(z.strictObject({ code: ExtraCode, quantity: z.int().check(z.gte(1), z.lte(20)) }), MAX_EXTRAS);

export const QuoteBody = z
  .strictObject({
    carId: ResourceId,
    pickupAt: LocalDateTime,
    returnAt: LocalDateTime,
    returnLocation: z
      .optional(LocationCode)
      .check(z.meta({ description: 'Return elsewhere (one-way): a location the pick-up location allows, with its drop fee.' })),
    extras: z
      .optional(ExtraChoices)
      .check(z.meta({ description: 'Extras from the location’s catalogue (GET /v2/locations/{code}/extras), each named once.' })),
    driverAge: z.optional(z.int().check(z.gte(16), z.lte(99))).check(
      z.meta({
        description:
          'Anonymous callers only: the driver’s age at pick-up (minimum age, young-driver fee). Signed in, it comes from your profile’s date of birth and sending it is a 400.',
      }),
    ),
  })
  .check(z.meta({ id: 'QuoteRequest' }));

export const QuoteIdParams = z.object({ quoteId: ResourceId });

const Amount = z.number().check(z.meta({ description: 'A decimal amount in the quote’s currency.' }));

export const QuoteView = z
  .object({
    quoteId: ResourceId,
    expiresAt: Timestamp.check(z.meta({ description: 'Book it (POST /v2/reservations { quoteId }) before then, at its total.' })),
    currency: CurrencyCode.check(z.meta({ description: 'ISO 4217 code: the pick-up location’s currency.' })),
    carId: ResourceId,
    location: LocationCode,
    returnLocation: z.optional(LocationCode),
    pickupAt: OffsetDateTime,
    returnAt: OffsetDateTime,
    lines: list(
      z.object({
        code: z
          .string()
          .check(
            z.maxLength(64),
            z.meta({ description: 'BASE, DISCOUNT, SEASON, WEEKEND, ONE_WAY, EXTRA:<code>, YOUNG_DRIVER, FEE:<name> or TAX:<name>.' }),
          ),
        label: text(80),
        quantity: z.int(),
        unitAmount: Amount,
        amount: Amount,
      }),
      200,
    ),
    subtotal: Amount.check(z.meta({ description: 'Every line but the taxes.' })),
    taxTotal: Amount,
    total: Amount.check(z.meta({ description: 'The sum of the lines.' })),
  })
  .check(z.meta({ id: 'Quote' }));
