import * as z from '../shared/zod';
import {
  Charge,
  Extra,
  ExtrasCatalogue,
  LocationRules,
  MAX_CHARGES,
  MAX_EXTRAS,
  MAX_SEASONS,
  RateCard,
  SeasonRule,
} from '../domain/pricing';
import { count, freeText, patterned, ResourceId } from './fields';
import { CarType, LocationCode } from './fleet-schemas';

/**
 * Request and response schemas of the pricing rules (v2): the engine's own schemas (domain/pricing), with
 * the API's free-text rule on the labels customers read on their quotes. Amounts are integer minor units
 * of the location's currency, named `...Minor` (the rules are configuration the engine computes with
 * exactly; quotes show decimals), rates and percentages basis points: docs/pricing.md.
 */

/** A label on a quote line: the engine's bounds, plus no control characters or bidi overrides. */
const Label = freeText(80);
const labelled = {
  seasons: z.array(z.safeExtend(SeasonRule, { name: Label })).check(z.maxLength(MAX_SEASONS)),
  charges: z.array(z.safeExtend(Charge, { label: Label })).check(z.maxLength(MAX_CHARGES)),
};
const extrasLabelled = { extras: z.array(z.safeExtend(Extra, { label: Label })).check(z.maxLength(MAX_EXTRAS)) };

const Version = count().check(
  z.meta({ description: 'Adds one with every change (0: never set, the defaults). Send it back as If-Match to change it safely.' }),
);

export const LocationParams = z.object({
  code: patterned(3, /^[A-Z]{3}$/, 'Use a location code: three capital letters, such as JFK.'),
});

/**
 * `If-Match: "<version>"` (the ETag of the last read): the change is made only if that is still the current
 * version, else 412; `"0"` only if it was never set. Without it, the change replaces whatever is there.
 */
export const IfMatchHeader = z.object({
  'if-match': z.optional(
    patterned(12, /^"\d{1,10}"$|^\d{1,10}$/, 'Send the ETag of your last read, such as "3".').check(
      z.meta({ description: 'The ETag (version) of the last read: the change is made only if it is still current, else 412.' }),
    ),
  ),
});

export const PricingBody = z.safeExtend(LocationRules, labelled).check(
  z.meta({
    id: 'LocationPricingInput',
    description:
      'Everything a location prices with but its extras, replaced whole: a rate card per car type (a car’s own card overrides it), ' +
      'seasons, weekend, fees and taxes, one-way returns from here with their drop fees, driver rules, and their currency.',
  }),
);

export const LocationPricingResponse = z
  .safeExtend(LocationRules, { location: LocationCode, version: Version })
  .check(z.meta({ id: 'LocationPricing', description: 'A location’s pricing rules as set, or its defaults (version 0).' }));

export const ExtrasBody = z.safeExtend(ExtrasCatalogue, extrasLabelled).check(
  z.meta({
    id: 'LocationExtrasInput',
    description: 'The extras a location offers, replaced whole, in its currency (said again: any other is refused).',
  }),
);

export const ExtrasResponse = z
  .safeExtend(ExtrasCatalogue, { location: LocationCode, version: Version })
  .check(z.meta({ id: 'LocationExtras' }));

export const RatesBody = RateCard.check(
  z.meta({ id: 'RateCardInput', description: 'A car’s own rates, in its location’s currency; they override its type’s card there.' }),
);

export const CarRatesResponse = z
  .object({
    carId: ResourceId,
    location: LocationCode,
    type: CarType,
    rates: z.nullable(RateCard).check(z.meta({ description: 'The car’s own card; null when it has none.' })),
    effective: RateCard.check(z.meta({ description: 'The card new quotes price the car with.' })),
    source: z.enum(['car', 'carType', 'pricePerDay']).check(
      z.meta({
        description: 'Where `effective` comes from: the car’s own card, its location’s card for its type, or its price per day.',
      }),
    ),
    version: Version,
  })
  .check(z.meta({ id: 'CarRates' }));
