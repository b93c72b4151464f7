/**
 * Pricing (issue 19), as pure domain rules: money in any currency's minor units, the pricing rules and
 * their schemas, and the engine that turns a rental into quote lines (and a search's total).
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
} from './money';
export {
  Charge,
  CurrencyCode,
  DriverRules,
  Extra,
  LINE_GROUPS,
  LocationPricing,
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
export { minimumAgeFor, type ExtraChoice, type PricingIssue, type PricingRuleCode } from './choices';
export type { Quote, QuoteLine } from './lines';
export { priceRental, searchTotal, type PriceInput, type PriceResult, type RentalPeriod, type SearchPriceInput } from './quote';
