import type { CarType, LocationCode } from '../fleet/catalog';
import type { LocationRules } from './location-rules';
import type { Extra, RateCard } from './rules';

/**
 * Where the pricing rules are kept: a location's rules and extras, and a car's own rate card. Each part
 * has a version that every write adds one to (0, or absent: never written).
 */

/** A location's stored pricing; its parts are absent until first written. */
export interface StoredLocationPricing {
  /** The currency of both parts, fixed by whichever was written first (and changed only with the rules). */
  currency?: string;
  rules?: { value: LocationRules; version: number };
  extras?: { value: Extra[]; version: number };
}

/** An active car as pricing reads it: what chooses its rate card, and that card's version. */
export interface RatedCar {
  carId: string;
  type: CarType;
  location: LocationCode;
  pricePerDayMinor: number;
  rates?: RateCard;
  ratesVersion: number;
}

/** A write's options: the version it must replace (a client's `If-Match`; 0 for never written), and when. */
export interface WriteOptions {
  expectedVersion?: number;
  at: string;
}

/**
 * What a write did. Refused: `version` (another version than `expectedVersion` is there), `currency`
 * (the rules would change the currency of extras priced in another, or extras name another currency than
 * the location's), `gone` (no active car).
 */
export type RulesWrite<T> = { written: true; stored: T } | { written: false; reason: 'version' | 'currency' | 'gone' };

export interface PricingRules {
  /** A location's rules and extras as stored (eventually consistent: rules apply to new quotes). */
  location(code: LocationCode): Promise<StoredLocationPricing>;
  /**
   * Replaces the location's rules (not its extras), and sets its currency to theirs; refused for
   * `currency` while the location has extras in another currency.
   */
  putLocationRules(code: LocationCode, rules: LocationRules, options: WriteOptions): Promise<RulesWrite<StoredLocationPricing>>;
  /** Replaces the location's extras; refused for `currency` unless `currency` is the location's (or it has none yet). */
  putLocationExtras(
    code: LocationCode,
    currency: string,
    extras: readonly Extra[],
    options: WriteOptions,
  ): Promise<RulesWrite<StoredLocationPricing>>;
  /** An active car's pricing attributes; undefined for an unknown or removed car. */
  car(carId: string): Promise<RatedCar | undefined>;
  /** Sets an active car's own rate card (refused for `gone` once it is removed: a write never brings a car back). */
  putCarRates(carId: string, rates: RateCard, options: WriteOptions): Promise<RulesWrite<RatedCar>>;
}
