import * as z from '../../shared/zod';
import { CAR_TYPES, LOCATIONS } from '../fleet/catalog';
import { WEEKDAYS } from '../rental-time';
import { BP_PER_WHOLE, isBasisPoints } from '../money';
import { CurrencyCode, MAX_RULE_MINOR, MinorAmount, RateCard } from '../fleet/rate-card';

// The car's rate card lives with the car (fleet), which carries it; the rules build on it.
export { CurrencyCode, MAX_RULE_MINOR, MinorAmount, RateCard };

/**
 * The pricing rules, as zod schemas (the admin routes validate with them) and the types the engine
 * reads. Amounts are integer minor units of the rules' currency; rates are basis points (10 000 = x1).
 * The schemas are strict and every string, list and number is bounded, as the API's schemas are.
 */

/** Extras every location can offer under these codes (a catalogue may add its own codes). */
export const STANDARD_EXTRAS = ['CHILD_SEAT', 'GPS', 'ADDITIONAL_DRIVER', 'CDW'] as const;

/**
 * What a percentage charge is computed on: groups of lines. `rate` is BASE, DISCOUNT, SEASON and
 * WEEKEND; `fees` the FEE lines (taxes only: a fee is never computed on fees).
 */
export const LINE_GROUPS = ['rate', 'fees', 'extras', 'oneWay', 'youngDriver'] as const;
export type LineGroup = (typeof LINE_GROUPS)[number];

/** Largest multiplier: x10. */
export const MAX_MULTIPLIER_BP = 10 * BP_PER_WHOLE;

/** Limits of a location's lists, shared by its schemas here and the documents the admin routes store. */
export const MAX_SEASONS = 100;
export const MAX_CHARGES = 30;
export const MAX_EXTRAS = 30;

const Minor = MinorAmount;
const Code = z.string().check(z.maxLength(32), z.regex(/^[A-Z][A-Z0-9_]{0,31}$/, 'Use capitals, digits and _ (such as CHILD_SEAT).'));
/** A label shown to customers on a quote line. (The routes may add the API's free-text rule: see api/fields.ts.) */
const Label = z.string().check(z.trim(), z.minLength(1, 'Must not be empty.'), z.maxLength(80));
const LocalDate = z.iso.date();
const Location = z.enum(LOCATIONS);
const Age = z.int().check(z.gte(16), z.lte(99));
const Multiplier = z.int().check(z.gte(0), z.lte(MAX_MULTIPLIER_BP));
/** A percentage in basis points, two decimals allowed (8.875 % is 887.5). */
const Percent = z.number().check(z.gte(0), z.lte(BP_PER_WHOLE), z.refine(isBasisPoints, 'Use at most 2 decimals (887.5 bp is 8.875 %).'));

const defined = (value: unknown) => value !== undefined;

/**
 * A season at a location: local dates `from` to `to`, both included, priced by a multiplier of the day's
 * rate or by a fixed price per day (exactly one of them). Overlaps are resolved by `seasonFor`.
 */
export const SeasonRule = z
  .strictObject({
    name: Label,
    from: LocalDate,
    to: LocalDate,
    multiplierBp: z.optional(Multiplier),
    fixedDailyMinor: z.optional(Minor),
  })
  .check(
    z.superRefine((season, ctx) => {
      if (season.to < season.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'A season ends on or after its first day.' });
      if (defined(season.multiplierBp) === defined(season.fixedDailyMinor)) {
        ctx.addIssue({ code: 'custom', path: ['multiplierBp'], message: 'Give either multiplierBp or fixedDailyMinor.' });
      }
    }),
  );
export type SeasonRule = z.output<typeof SeasonRule>;

/** Weekend days (on the location's calendar) and their multiplier, applied after any season. */
export const WeekendRule = z.strictObject({
  days: z.array(z.enum(WEEKDAYS)).check(
    z.minLength(1),
    z.maxLength(7),
    z.refine((days) => new Set(days).size === days.length, 'Name each day once.'),
  ),
  multiplierBp: Multiplier,
});
export type WeekendRule = z.output<typeof WeekendRule>;

/**
 * A fee or a tax of a location: a percentage (`percentBp`) of the line groups in `appliesTo`, or a fixed
 * amount (`fixedMinor`) per rental or per billed day. Fees are never computed on fees; taxes may be
 * (`appliesTo: ['rate', 'fees']`), never on taxes.
 */
export const Charge = z
  .strictObject({
    name: Code,
    label: Label,
    kind: z.enum(['fee', 'tax']),
    percentBp: z.optional(Percent),
    appliesTo: z.optional(z.array(z.enum(LINE_GROUPS)).check(z.minLength(1), z.maxLength(LINE_GROUPS.length))),
    fixedMinor: z.optional(Minor),
    per: z.optional(z.enum(['rental', 'day'])),
  })
  .check(
    z.superRefine((charge, ctx) => {
      const issue = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: [field], message });
      if (defined(charge.percentBp) === defined(charge.fixedMinor)) issue('percentBp', 'Give either percentBp or fixedMinor.');
      else if (defined(charge.percentBp)) {
        if (!charge.appliesTo) issue('appliesTo', 'A percentage says which lines it applies to.');
        if (defined(charge.per)) issue('per', 'A percentage applies to lines, not per rental or day: leave out per.');
      } else {
        if (!charge.per) issue('per', 'A fixed amount is per rental or per day.');
        if (defined(charge.appliesTo)) issue('appliesTo', 'Only a percentage applies to lines: leave out appliesTo.');
      }
      const groups = charge.appliesTo ?? [];
      if (new Set(groups).size !== groups.length) issue('appliesTo', 'Name each group once.');
      if (charge.kind === 'fee' && groups.includes('fees')) issue('appliesTo', 'A fee is not computed on fees (a tax may be).');
    }),
  );
export type Charge = z.output<typeof Charge>;

/**
 * An extra of a location's catalogue, priced per billed day or per rental, per item; `capMinor` caps a
 * per-day price per item per rental. `stock` counts physical items (child seats) for booking; pricing
 * only carries it.
 */
export const Extra = z
  .strictObject({
    code: Code,
    label: Label,
    priceMinor: Minor,
    per: z.enum(['day', 'rental']),
    capMinor: z.optional(Minor),
    maxQuantity: z.int().check(z.gte(1), z.lte(20)),
    stock: z.optional(z.int().check(z.gte(0), z.lte(100_000))),
  })
  .check(
    z.refine((extra) => extra.per === 'day' || extra.capMinor === undefined, {
      path: ['capMinor'],
      message: 'Only a price per day has a cap.',
    }),
  );
export type Extra = z.output<typeof Extra>;

/** A return location allowed from a pick-up location, and its drop fee (in the pick-up location's currency). */
export const OneWayRoute = z
  .strictObject({ from: Location, to: Location, dropFeeMinor: Minor })
  .check(z.refine((route) => route.from !== route.to, { path: ['to'], message: 'A one-way rental returns elsewhere.' }));
export type OneWayRoute = z.output<typeof OneWayRoute>;

/** The one-way matrix: the pairs not listed are not allowed. */
export const OneWayMatrix = z.array(OneWayRoute).check(
  z.maxLength(LOCATIONS.length * (LOCATIONS.length - 1)),
  z.refine((routes) => new Set(routes.map((r) => `${r.from}>${r.to}`)).size === routes.length, 'List each pair once.'),
);

/**
 * Who may drive: `minimumAge` for every car type unless `minimumAgeByType` says otherwise (LUXURY 25),
 * and a young-driver fee per billed day under `youngDriver.underAge`, capped per rental if `capMinor`.
 */
export const DriverRules = z.strictObject({
  minimumAge: Age,
  minimumAgeByType: z.optional(z.partialRecord(z.enum(CAR_TYPES), Age)),
  youngDriver: z.optional(z.strictObject({ underAge: Age, dailyMinor: Minor, capMinor: z.optional(Minor) })),
});
export type DriverRules = z.output<typeof DriverRules>;

const unique = <T>(items: readonly T[], key: (item: T) => string) => new Set(items.map(key)).size === items.length;

/**
 * Everything a location prices besides the car's rates: seasons, weekend, fees and taxes, extras, driver
 * rules. All amounts are in `currency`, the location's.
 */
export const LocationPricing = z
  .strictObject({
    location: Location,
    currency: CurrencyCode,
    seasons: z.array(SeasonRule).check(z.maxLength(MAX_SEASONS)),
    weekend: z.optional(WeekendRule),
    charges: z.array(Charge).check(z.maxLength(MAX_CHARGES)),
    extras: z.array(Extra).check(z.maxLength(MAX_EXTRAS)),
    drivers: DriverRules,
  })
  .check(
    z.superRefine((pricing, ctx) => {
      if (!unique(pricing.charges, (c) => c.name)) ctx.addIssue({ code: 'custom', path: ['charges'], message: 'Name each charge once.' });
      if (!unique(pricing.extras, (e) => e.code)) ctx.addIssue({ code: 'custom', path: ['extras'], message: 'List each extra once.' });
      // Two seasons of the same kind over the same dates would leave the priority undecided.
      if (!unique(pricing.seasons, (s) => `${s.from}/${s.to}/${defined(s.fixedDailyMinor)}`)) {
        ctx.addIssue({ code: 'custom', path: ['seasons'], message: 'Two seasons of the same kind cover the same dates.' });
      }
    }),
  );
export type LocationPricing = z.output<typeof LocationPricing>;
