import * as z from '../../shared/zod';
import { CounterRules, DEFAULT_COUNTER_RULES } from '../counter/terms';
import { CAR_TYPES, LOCATIONS, type CarType, type LocationCode } from '../fleet/catalog';
import {
  Charge,
  CurrencyCode,
  DriverRules,
  Extra,
  MAX_CHARGES,
  MAX_EXTRAS,
  MAX_SEASONS,
  MinorAmount,
  RateCard,
  SeasonRule,
  WeekendRule,
  type LocationPricing,
  type OneWayRoute,
} from './rules';

/**
 * The pricing rules as an administrator sets them for one location (PUT /v2/locations/{code}/pricing
 * and /extras), their defaults, and how a car's rate card is chosen. The engine's schemas (rules.ts)
 * check every rule; the documents here only group them as they are stored and sent.
 */

/** The currency of a location that has no rules yet: a car's `pricePerDayMinor` (v1's price) is in it. */
export const DEFAULT_CURRENCY = 'USD';
/**
 * Minimum driver age of a location that has no rules yet: the age of a rental contract, so a location
 * without rules refuses nobody it did not refuse before the rules came.
 */
export const DEFAULT_MINIMUM_AGE = 18;

/** A return allowed from the location that holds the rule, and its drop fee in that location's currency. */
export const OneWayReturn = z.strictObject({ to: z.enum(LOCATIONS), dropFeeMinor: MinorAmount });
export type OneWayReturn = z.output<typeof OneWayReturn>;

/**
 * A location's pricing besides its extras: the rate card of each car type (a car's own card overrides
 * it), seasons, weekend, fees and taxes, the one-way returns allowed from here, the driver rules, and the
 * currency of all their amounts. Every rate card is in that currency. A location priced in another
 * currency than USD gives every car type a card, because the fallback, a car's v1 price per day, is USD.
 */
export const LocationRules = z
  .strictObject({
    currency: CurrencyCode,
    rates: z.partialRecord(z.enum(CAR_TYPES), RateCard),
    seasons: z.array(SeasonRule).check(z.maxLength(MAX_SEASONS)),
    weekend: z.optional(WeekendRule),
    charges: z.array(Charge).check(z.maxLength(MAX_CHARGES)),
    oneWay: z.array(OneWayReturn).check(z.maxLength(LOCATIONS.length - 1)),
    drivers: DriverRules,
    /** The counter's rules (no-show, late return, fuel, mileage, deposit); DEFAULT_COUNTER_RULES when left out. */
    counter: z.optional(CounterRules),
  })
  .check(
    z.superRefine((rules, ctx) => {
      for (const type of CAR_TYPES) {
        const card = rules.rates[type];
        if (card && card.currency !== rules.currency)
          ctx.addIssue({ code: 'custom', path: ['rates', type, 'currency'], message: `Rates here are in ${rules.currency}.` });
        if (!card && rules.currency !== DEFAULT_CURRENCY)
          ctx.addIssue({
            code: 'custom',
            path: ['rates', type],
            message: `Prices in ${rules.currency} need a rate card for every car type (a car's own daily price is in ${DEFAULT_CURRENCY}).`,
          });
      }
    }),
  );
export type LocationRules = z.output<typeof LocationRules>;

/** A location's extras (PUT /v2/locations/{code}/extras), in its currency, said again so a stale client cannot misprice them. */
export const ExtrasCatalogue = z.strictObject({
  currency: CurrencyCode,
  extras: z.array(Extra).check(z.maxLength(MAX_EXTRAS)),
});
export type ExtrasCatalogue = z.output<typeof ExtrasCatalogue>;

/** The rules of a location nobody has priced: no type cards, seasons, weekend, fees, one-way returns or extras; USD. */
export const defaultLocationRules = (): LocationRules => ({
  currency: DEFAULT_CURRENCY,
  rates: {},
  seasons: [],
  charges: [],
  oneWay: [],
  drivers: { minimumAge: DEFAULT_MINIMUM_AGE },
});

/**
 * Everything that prices a rental picked up at a location, as the engine takes it. Each part has a
 * version that every write of it adds one to (0: never set, the defaults), for `If-Match`.
 */
export interface PricingOfLocation {
  location: LocationCode;
  /** `priceRental`'s `rules`: currency, seasons, weekend, fees and taxes, extras, driver rules. */
  rules: LocationPricing;
  /** The rate card of each car type here (a car's own card comes first: see `rateCardFor`). */
  rates: Partial<Record<CarType, RateCard>>;
  /** `priceRental`'s `oneWay`: the returns allowed from here, with their drop fees. */
  oneWay: OneWayRoute[];
  /** The counter's rules here, as set or the defaults (`counterSet`: whether an administrator set them). */
  counter: CounterRules;
  counterSet: boolean;
  /** Version of the rules (all but the extras). */
  version: number;
  extrasVersion: number;
}

/** The pricing of a location from its rules and extras as set (or the defaults). */
export const pricingOf = (
  location: LocationCode,
  set: { rules?: LocationRules; version?: number; extras?: readonly Extra[]; extrasVersion?: number },
): PricingOfLocation => {
  const { currency, rates, seasons, weekend, charges, oneWay, drivers, counter } = set.rules ?? defaultLocationRules();
  return {
    location,
    rules: { location, currency, seasons, ...(weekend ? { weekend } : {}), charges, extras: [...(set.extras ?? [])], drivers },
    rates,
    oneWay: oneWay.map((route) => ({ from: location, ...route })),
    counter: counter ?? DEFAULT_COUNTER_RULES,
    counterSet: counter !== undefined,
    version: set.version ?? 0,
    extrasVersion: set.extrasVersion ?? 0,
  };
};

/** The rules of a location as an administrator reads and sets them back (the inverse of `pricingOf`). */
export const rulesOf = ({ rules, rates, oneWay, counter, counterSet }: PricingOfLocation): LocationRules => ({
  currency: rules.currency,
  rates,
  seasons: rules.seasons,
  ...(rules.weekend ? { weekend: rules.weekend } : {}),
  charges: rules.charges,
  oneWay: oneWay.map(({ to, dropFeeMinor }) => ({ to, dropFeeMinor })),
  drivers: rules.drivers,
  ...(counterSet ? { counter } : {}),
});

/** What a car's rates are chosen from: its type, its v1 price per day and its own card, if any. */
export interface PricedCar {
  type: CarType;
  pricePerDayMinor: number;
  rates?: RateCard;
}

export type RateSource = 'car' | 'carType' | 'pricePerDay';

/**
 * A car's rate card at a location and where it came from: the car's own card, else the location's card
 * for its type, else its v1 price per day as the daily rate. A card of the car in another currency than
 * the location's (the car moved, or the location changed its currency since) cannot price here and is
 * passed over; validation keeps the location's type cards in its currency, and non-USD locations have one
 * for every type, so the last fallback only ever applies in USD.
 */
export const resolveRateCard = (
  car: PricedCar,
  pricing: Pick<PricingOfLocation, 'rules' | 'rates'>,
): { rates: RateCard; source: RateSource } => {
  const { currency } = pricing.rules;
  if (car.rates?.currency === currency) return { rates: car.rates, source: 'car' };
  const typeCard = pricing.rates[car.type];
  if (typeCard?.currency === currency) return { rates: typeCard, source: 'carType' };
  return { rates: { currency, dailyMinor: car.pricePerDayMinor }, source: 'pricePerDay' };
};

/** The rate card that prices `car` at the location (see `resolveRateCard`). */
export const rateCardFor = (car: PricedCar, pricing: Pick<PricingOfLocation, 'rules' | 'rates'>): RateCard =>
  resolveRateCard(car, pricing).rates;
