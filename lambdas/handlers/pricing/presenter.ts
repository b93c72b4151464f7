import type { CarRatesResponse, ExtrasResponse, LocationPricingResponse } from '../../api/pricing-schemas';
import { rulesOf, type CarRates, type PricingOfLocation } from '../../domain/pricing';
import type * as z from '../../shared/zod';

/** Translation between the pricing routes' shapes and the domain's, and their versions as ETags. */

export const presentPricing = (pricing: PricingOfLocation): z.output<typeof LocationPricingResponse> => ({
  location: pricing.location,
  ...rulesOf(pricing),
  version: pricing.version,
});

export const presentExtras = (pricing: PricingOfLocation): z.output<typeof ExtrasResponse> => ({
  location: pricing.location,
  currency: pricing.rules.currency,
  extras: pricing.rules.extras,
  version: pricing.extrasVersion,
});

export const presentCarRates = ({ car, rates, source }: CarRates): z.output<typeof CarRatesResponse> => ({
  carId: car.carId,
  location: car.location,
  type: car.type,
  rates: car.rates ?? null,
  effective: rates,
  source,
  version: car.ratesVersion,
});

/** A version as an ETag header (strong: the version names exactly one state of the rules). */
export const etag = (version: number): Record<string, string> => ({ etag: `"${version}"` });

/** The version an If-Match names (`"3"` or `3`, as its schema allows), or undefined without one. */
export const expectedVersion = (ifMatch: string | undefined): number | undefined =>
  ifMatch === undefined ? undefined : Number(ifMatch.replaceAll('"', ''));
