import * as z from '../../shared/zod';
import { isCurrencyCode } from '../money';

/**
 * A car's rate card (v2 pricing): its own, set by PUT /v2/cars/{carId}/rates, or its type's at a location.
 * It is here, with the car that carries it, rather than with the pricing rules that build on it, so the
 * fleet needs nothing of pricing.
 */

/** Largest amount of any rule, in minor units: far above any real price, far below where sums stop being exact. */
export const MAX_RULE_MINOR = 10_000_000_000;

const NOT_A_CURRENCY = 'Must be an ISO 4217 currency code such as USD or JPY.';
/** Three capitals (a pattern the API document states), then one of the currencies the runtime knows. */
export const CurrencyCode = z
  .string()
  .check(z.maxLength(3), z.regex(/^[A-Z]{3}$/, { message: NOT_A_CURRENCY, abort: true }), z.refine(isCurrencyCode, NOT_A_CURRENCY));

/** An amount of a rule, in minor units. */
export const MinorAmount = z.int().check(z.gte(0), z.lte(MAX_RULE_MINOR));

/**
 * A car's (or a car type's at a location) rates. `weeklyDailyMinor` is the price per day for 7 billed days
 * or more, `monthlyDailyMinor` for 28 or more; neither above the daily price (they show as a DISCOUNT).
 * `hourlyMinor` prices rentals of one billed day by started hour when that comes to less than the day.
 */
export const RateCard = z
  .strictObject({
    currency: CurrencyCode,
    dailyMinor: MinorAmount,
    weeklyDailyMinor: z.optional(MinorAmount),
    monthlyDailyMinor: z.optional(MinorAmount),
    hourlyMinor: z.optional(z.int().check(z.gte(1), z.lte(MAX_RULE_MINOR))),
  })
  .check(
    z.superRefine((rates, ctx) => {
      const { dailyMinor, weeklyDailyMinor, monthlyDailyMinor } = rates;
      if (weeklyDailyMinor !== undefined && weeklyDailyMinor > dailyMinor) {
        ctx.addIssue({ code: 'custom', path: ['weeklyDailyMinor'], message: 'The weekly price per day is at most the daily price.' });
      }
      if (monthlyDailyMinor !== undefined && monthlyDailyMinor > (weeklyDailyMinor ?? dailyMinor)) {
        const than = weeklyDailyMinor === undefined ? 'the daily price' : 'the weekly price per day';
        ctx.addIssue({ code: 'custom', path: ['monthlyDailyMinor'], message: `The monthly price per day is at most ${than}.` });
      }
    }),
  );
export type RateCard = z.output<typeof RateCard>;
