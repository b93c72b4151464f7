/**
 * Pricing (issue 19), as pure domain rules: money in any currency's minor units, the pricing rules and
 * their schemas, and the engine that turns a rental into quote lines (and a search's total); the rules as
 * stored per location and car, and the admin use cases that read and replace them.
 * docs/pricing.md describes the rules, their priority and the rounding.
 */
export {
  BP_PER_WHOLE,
  MAX_EXACT_MINOR,
  applyBasisPoints,
  fromDecimal,
  isCurrencyCode,
  minorDigits,
  roundHalfEven,
  toDecimal,
  type FromDecimal,
} from '../money';
export {
  Charge,
  CurrencyCode,
  DriverRules,
  Extra,
  LINE_GROUPS,
  LocationPricing,
  MAX_CHARGES,
  MAX_EXTRAS,
  MAX_SEASONS,
  MinorAmount,
  OneWayMatrix,
  OneWayRoute,
  RateCard,
  STANDARD_EXTRAS,
  SeasonRule,
  WeekendRule,
  type LineGroup,
} from './rules';
export { seasonFor } from './calendar';
export { MONTHLY_FROM_DAYS, WEEKLY_FROM_DAYS } from './rate-lines';
export { isYoungDriver, minimumAgeFor, type ExtraChoice, type PricingIssue, type PricingRuleCode } from './choices';
export type { Quote, QuoteLine } from './lines';
export { priceRental, searchTotal, type PriceInput, type PriceResult, type RentalPeriod, type SearchPriceInput } from './quote';
export {
  DEFAULT_CURRENCY,
  DEFAULT_MINIMUM_AGE,
  ExtrasCatalogue,
  LocationRules,
  OneWayReturn,
  defaultLocationRules,
  pricingOf,
  rateCardFor,
  resolveRateCard,
  rulesOf,
  type PricedCar,
  type PricingOfLocation,
  type RateSource,
} from './location-rules';
export type { PricingRules, RatedCar, RulesWrite, StoredLocationPricing, WriteOptions } from './ports';
export {
  carRates,
  locationPricing,
  setCarRates,
  setLocationExtras,
  setLocationPricing,
  type CarRates,
  type PricingDeps,
  type PricingWriteDeps,
} from './manage-rules';
