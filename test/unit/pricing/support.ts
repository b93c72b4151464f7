import { parseRentalTime } from '../../../lambdas/domain/rental-time';
import type { LocationPricing, PriceInput, Quote, RateCard, RentalPeriod } from '../../../lambdas/domain/pricing';
import { priceRental } from '../../../lambdas/domain/pricing';

export const LA = 'America/Los_Angeles';
export const GRACE = 29;

export const at = (text: string, zone = LA): number => {
  const result = parseRentalTime(text, zone);
  if (!result.ok) throw new Error(result.message);
  return result.ms;
};

/** A rental from one local time to another at a location in `zone`. */
export const period = (pickup: string, ret: string, zone = LA, gracePeriodMinutes = GRACE): RentalPeriod => ({
  pickupMs: at(pickup, zone),
  returnMs: at(ret, zone),
  timeZone: zone,
  gracePeriodMinutes,
});

export const usd = (dailyMinor: number, more: Partial<RateCard> = {}): RateCard => ({ currency: 'USD', dailyMinor, ...more });

/** LAX with no rules but its currency and a minimum age of 21: add what a test is about. */
export const lax = (more: Partial<LocationPricing> = {}): LocationPricing => ({
  location: 'LAX',
  currency: 'USD',
  seasons: [],
  charges: [],
  extras: [],
  drivers: { minimumAge: 21 },
  ...more,
});

/** The quote of an input that must be priced (the test fails with the issues otherwise). */
export const quote = (input: Partial<PriceInput> & Pick<PriceInput, 'period'>): Quote => {
  const result = priceRental({ carType: 'SEDAN', rates: usd(4000), rules: lax(), ...input });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.quote;
};

/** Lines as `[code, quantity, unitMinor, amountMinor]`, the shape the worked examples read best in. */
export const rows = (q: Quote) => q.lines.map((line) => [line.code, line.quantity, line.unitMinor, line.amountMinor]);
