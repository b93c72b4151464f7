import type { CarType, LocationCode } from '../fleet/catalog';
import type { FieldIssue } from '../../shared/errors';
import type { GroupedLine } from './lines';
import { timesQuantity } from '../money';
import type { Extra, LocationPricing, OneWayRoute } from './rules';

/**
 * What the customer brings to a quote beside the car and the period: extras, a return elsewhere, the
 * driver's age. Each is checked against the location's rules (every problem reported, each naming its
 * field and rule) and priced as its own lines.
 */

export interface ExtraChoice {
  code: string;
  quantity: number;
}

export interface Choices {
  extras: readonly ExtraChoice[];
  returnLocation?: LocationCode;
  driverAge?: number;
}

/** The rules a quote can break, as stable codes for clients (the API answers 422 naming them). */
export type PricingRuleCode = 'EXTRA_UNKNOWN' | 'EXTRA_DUPLICATE' | 'EXTRA_QUANTITY' | 'ONE_WAY_NOT_ALLOWED' | 'DRIVER_UNDER_MINIMUM_AGE';

export interface PricingIssue extends FieldIssue {
  rule: PricingRuleCode;
}

/** The one-way route a return location takes from `rules.location`, if the matrix allows it. */
const routeTo = (to: LocationCode, from: LocationCode, oneWay: readonly OneWayRoute[]) =>
  oneWay.find((route) => route.from === from && route.to === to);

/** The minimum age for a car type at the location: the type's own, else the location's. */
export const minimumAgeFor = (carType: CarType, rules: LocationPricing): number =>
  rules.drivers.minimumAgeByType?.[carType] ?? rules.drivers.minimumAge;

/** Does a driver of this age (unknown: no) pay the location's young-driver fee? */
export const isYoungDriver = (driverAge: number | undefined, rules: LocationPricing): boolean =>
  driverAge !== undefined && rules.drivers.youngDriver !== undefined && driverAge < rules.drivers.youngDriver.underAge;

/**
 * Everything in the choices the location's rules refuse: an extra it does not offer (or named twice),
 * a quantity outside 1 to its maximum, a return location the one-way matrix does not allow from here,
 * a driver under the car type's minimum age. Fields are paths in the quote request (`extras.1.quantity`).
 */
export const choiceIssues = (
  choices: Choices,
  carType: CarType,
  rules: LocationPricing,
  oneWay: readonly OneWayRoute[],
): PricingIssue[] => {
  const issues: PricingIssue[] = [];
  const seen = new Set<string>();
  choices.extras.forEach(({ code, quantity }, i) => {
    const extra = rules.extras.find((offered) => offered.code === code);
    if (!extra) {
      const offered = rules.extras.map((e) => e.code).join(', ') || 'none';
      issues.push({
        field: `extras.${i}.code`,
        rule: 'EXTRA_UNKNOWN',
        message: `${rules.location} does not offer ${code} (it offers: ${offered}).`,
      });
    } else if (seen.has(code)) {
      issues.push({ field: `extras.${i}.code`, rule: 'EXTRA_DUPLICATE', message: `${code} is listed twice: give its quantity once.` });
    } else if (!Number.isInteger(quantity) || quantity < 1 || quantity > extra.maxQuantity) {
      const message = `Choose 1 to ${extra.maxQuantity} of ${code} per rental.`;
      issues.push({ field: `extras.${i}.quantity`, rule: 'EXTRA_QUANTITY', message });
    }
    seen.add(code);
  });
  const { returnLocation, driverAge } = choices;
  if (returnLocation !== undefined && returnLocation !== rules.location && !routeTo(returnLocation, rules.location, oneWay)) {
    const allowed = oneWay.filter((route) => route.from === rules.location).map((route) => route.to);
    const message = `Cars picked up at ${rules.location} cannot be returned to ${returnLocation}${allowed.length ? ` (one-way returns: ${allowed.join(', ')})` : ''}.`;
    issues.push({ field: 'returnLocation', rule: 'ONE_WAY_NOT_ALLOWED', message });
  }
  if (driverAge !== undefined && driverAge < minimumAgeFor(carType, rules)) {
    const message = `Drivers of ${carType} cars at ${rules.location} must be at least ${minimumAgeFor(carType, rules)}.`;
    issues.push({ field: 'driverAge', rule: 'DRIVER_UNDER_MINIMUM_AGE', message });
  }
  return issues;
};

/** An extra's price per item for the rental: per day times the billed days (up to its cap), or per rental. */
const perItemMinor = (extra: Extra, days: number): number => {
  if (extra.per === 'rental') return extra.priceMinor;
  const total = timesQuantity(extra.priceMinor, days);
  return extra.capMinor === undefined ? total : Math.min(total, extra.capMinor);
};

/**
 * The lines of checked choices (`choiceIssues` found nothing): ONE_WAY (the drop fee), EXTRA:<code> per
 * extra chosen (quantity = items; shown even when free, as the customer chose it), YOUNG_DRIVER (per day,
 * or once at its cap) when the driver's age is known and under the young-driver age.
 */
export const choiceLines = (choices: Choices, rules: LocationPricing, oneWay: readonly OneWayRoute[], days: number): GroupedLine[] => {
  const lines: GroupedLine[] = [];
  const { returnLocation, driverAge } = choices;
  const route = returnLocation === undefined ? undefined : routeTo(returnLocation, rules.location, oneWay);
  if (route) {
    const label = `One-way drop fee (${route.from} to ${route.to})`;
    lines.push({ code: 'ONE_WAY', label, quantity: 1, unitMinor: route.dropFeeMinor, amountMinor: route.dropFeeMinor, group: 'oneWay' });
  }
  for (const { code, quantity } of choices.extras) {
    const extra = rules.extras.find((offered) => offered.code === code);
    if (!extra) throw new RangeError(`Unchecked extra: ${code}`);
    const unitMinor = perItemMinor(extra, days);
    lines.push({
      code: `EXTRA:${code}`,
      label: extra.label,
      quantity,
      unitMinor,
      amountMinor: timesQuantity(unitMinor, quantity),
      group: 'extras',
    });
  }
  const young = rules.drivers.youngDriver;
  if (young && isYoungDriver(driverAge, rules)) {
    const uncapped = timesQuantity(young.dailyMinor, days);
    const capped = young.capMinor !== undefined && uncapped > young.capMinor;
    const [quantity, unitMinor] = capped ? [1, young.capMinor ?? 0] : [days, young.dailyMinor];
    const label = `Young driver (under ${young.underAge})${capped ? ', capped per rental' : ''}`;
    const line: GroupedLine = {
      code: 'YOUNG_DRIVER',
      label,
      quantity,
      unitMinor,
      amountMinor: timesQuantity(unitMinor, quantity),
      group: 'youngDriver',
    };
    if (line.amountMinor !== 0) lines.push(line);
  }
  return lines;
};
