import type { CarType, LocationCode } from '../fleet/catalog';
import { billedDays } from '../rental-time';
import { chargeLines } from './charges';
import { choiceIssues, choiceLines, type ExtraChoice, type PricingIssue } from './choices';
import { quoteOf, type Quote } from './lines';
import { rateLines } from './rate-lines';
import type { LocationPricing, OneWayRoute, RateCard } from './rules';

/**
 * The pricing engine: a rental's quote, line by line, from its times, the car's rates and the pick-up
 * location's rules. Pure: no clock, no storage; the same input always gives the same quote.
 */

/** A rental's times at its pick-up location (its zone and grace period, as rental-time resolves them). */
export interface RentalPeriod {
  pickupMs: number;
  returnMs: number;
  timeZone: string;
  gracePeriodMinutes: number;
}

export interface PriceInput {
  period: RentalPeriod;
  carType: CarType;
  rates: RateCard;
  /** The pick-up location's rules: the quote is in its currency. */
  rules: LocationPricing;
  /** The one-way matrix (only the routes from the pick-up location matter). */
  oneWay?: readonly OneWayRoute[];
  extras?: readonly ExtraChoice[];
  /** Unknown (an anonymous quote without it): no age check and no young-driver fee; booking checks the profile's. */
  driverAge?: number;
  /** Absent or the pick-up location: a round trip. */
  returnLocation?: LocationCode;
}

export type PriceResult = { ok: true; quote: Quote } | { ok: false; issues: PricingIssue[] };

/**
 * A rental's quote: BASE, DISCOUNT, SEASON, WEEKEND (the rate group), ONE_WAY, EXTRA:<code>,
 * YOUNG_DRIVER, then FEE:<name> and TAX:<name> computed on the rounded lines before them. The lines sum
 * exactly to the total. Refused, with every problem, for choices the rules do not allow (see `choiceIssues`).
 * Throws RangeError only for rules that contradict each other (a rate card in another currency than the
 * location's), which the admin routes must not let in.
 */
export const priceRental = (input: PriceInput): PriceResult => {
  const { period, rates, rules, oneWay = [] } = input;
  if (rates.currency !== rules.currency) {
    throw new RangeError(`Rates in ${rates.currency} at ${rules.location}, whose prices are in ${rules.currency}`);
  }
  const choices = { extras: input.extras ?? [], returnLocation: input.returnLocation, driverAge: input.driverAge };
  const issues = choiceIssues(choices, input.carType, rules, oneWay);
  if (issues.length) return { ok: false, issues };
  const days = billedDays(period.pickupMs, period.returnMs, period.timeZone, period.gracePeriodMinutes);
  const lines = [...rateLines(rates, { ...period, days }, rules), ...choiceLines(choices, rules, oneWay, days)];
  lines.push(...chargeLines('fee', rules.charges, lines, days));
  lines.push(...chargeLines('tax', rules.charges, lines, days));
  return { ok: true, quote: quoteOf(rules.currency, lines) };
};

export type SearchPriceInput = Pick<PriceInput, 'period' | 'carType' | 'rates' | 'rules'>;

/**
 * The total a v2 search shows for a car: the quote of the same rental with no extras, no one-way and
 * no known driver age, so rates, season, weekend and the location's fees and taxes. It is `priceRental`
 * itself with those parts off, so a search and a quote for the same period can never disagree.
 */
export const searchTotal = (input: SearchPriceInput): number => {
  const result = priceRental({ period: input.period, carType: input.carType, rates: input.rates, rules: input.rules });
  // Without choices there is nothing to refuse.
  if (!result.ok) throw new Error(`A search total was refused: ${result.issues.map((issue) => issue.rule).join(', ')}`);
  return result.quote.totalMinor;
};
