import { periodPriceMinor } from '../rental-time';
import { billedDayRules } from './calendar';
import type { GroupedLine } from './lines';
import { applyBasisPoints, timesQuantity } from '../money';
import type { LocationPricing, RateCard, SeasonRule } from './rules';

/**
 * The `rate` group of a quote: BASE (billed days at the daily price, or started hours at the hourly
 * price), DISCOUNT (a weekly or monthly price per day, as the saving), SEASON and WEEKEND (each day's
 * date rules, as adjustments). Their sum is what the car costs for the period.
 */

const HOUR_MS = 3_600_000;
/** Billed days from which the weekly and the monthly price per day apply. */
export const WEEKLY_FROM_DAYS = 7;
export const MONTHLY_FROM_DAYS = 28;

export interface RatedPeriod {
  pickupMs: number;
  returnMs: number;
  timeZone: string;
  /** From rental-time's `billedDays`. */
  days: number;
}

type DateRules = Pick<LocationPricing, 'seasons' | 'weekend'>;

const rateLine = (code: string, label: string, quantity: number, unitMinor: number): GroupedLine => ({
  code,
  label,
  quantity,
  unitMinor,
  amountMinor: timesQuantity(unitMinor, quantity),
  group: 'rate',
});

/** The price per day for `days` billed days: monthly from 28, weekly from 7, else daily; with its label. */
const dayRateFor = (rates: RateCard, days: number): { unitMinor: number; label?: string } => {
  if (days >= MONTHLY_FROM_DAYS && rates.monthlyDailyMinor !== undefined) {
    return { unitMinor: rates.monthlyDailyMinor, label: `Monthly rate (${MONTHLY_FROM_DAYS}+ days)` };
  }
  if (days >= WEEKLY_FROM_DAYS && rates.weeklyDailyMinor !== undefined) {
    return { unitMinor: rates.weeklyDailyMinor, label: `Weekly rate (${WEEKLY_FROM_DAYS}+ days)` };
  }
  return { unitMinor: rates.dailyMinor };
};

/**
 * Each billed day's price by the date rules, from the day's rate `rateMinor`: the season's fixed price or
 * the rate times its multiplier (rounded half-even), then times the weekend multiplier on a weekend day
 * (rounded half-even again: the weekend applies to the price after the season). Adjustments are grouped
 * into one SEASON line per season and one WEEKEND line per distinct adjustment, each with its day count.
 */
const dateLines = (rateMinor: number, period: RatedPeriod, rules: DateRules): GroupedLine[] => {
  if (rules.seasons.length === 0 && !rules.weekend) return [];
  const seasons = new Map<SeasonRule, { unitMinor: number; days: number }>();
  const weekends = new Map<number, number>();
  for (const { season, weekend } of billedDayRules(period.pickupMs, period.days, period.timeZone, rules)) {
    let price = rateMinor;
    if (season) {
      price = season.fixedDailyMinor ?? applyBasisPoints(rateMinor, season.multiplierBp ?? 0);
      seasons.set(season, { unitMinor: price - rateMinor, days: (seasons.get(season)?.days ?? 0) + 1 });
    }
    if (weekend && rules.weekend) {
      const adjustment = applyBasisPoints(price, rules.weekend.multiplierBp) - price;
      weekends.set(adjustment, (weekends.get(adjustment) ?? 0) + 1);
    }
  }
  const seasonLines = [...seasons].map(([season, { unitMinor, days }]) => rateLine('SEASON', season.name, days, unitMinor));
  const weekendDays = rules.weekend?.days.map((day) => day[0].toUpperCase() + day.slice(1)).join(', ');
  const weekendLines = [...weekends].map(([adjustment, days]) => rateLine('WEEKEND', `Weekend (${weekendDays})`, days, adjustment));
  return [...seasonLines, ...weekendLines].filter((line) => line.amountMinor !== 0);
};

/** The rate lines by the day: BASE at the daily price, the DISCOUNT to a weekly or monthly price, date rules. */
const dailyLines = (rates: RateCard, period: RatedPeriod, rules: DateRules): GroupedLine[] => {
  const { days } = period;
  const label = `${days} day${days === 1 ? '' : 's'}`;
  // periodPriceMinor: the one price of a period of days, as v1 and v2's bookings compute it.
  const base: GroupedLine = {
    code: 'BASE',
    label,
    quantity: days,
    unitMinor: rates.dailyMinor,
    amountMinor: periodPriceMinor(rates.dailyMinor, days),
    group: 'rate',
  };
  const rate = dayRateFor(rates, days);
  const discount = rate.label ? [rateLine('DISCOUNT', rate.label, days, rate.unitMinor - rates.dailyMinor)] : [];
  return [base, ...discount.filter((line) => line.amountMinor !== 0), ...dateLines(rate.unitMinor, period, rules)];
};

/**
 * The `rate` group of lines for a period. A rental of one billed day with an hourly price is priced by
 * started hour (elapsed time, no grace: the grace forgives a day, not an hour) when that is less than the
 * day would cost with its date rules; the hours then stand alone, since the date rules price days.
 */
export const rateLines = (rates: RateCard, period: RatedPeriod, rules: DateRules): GroupedLine[] => {
  const daily = dailyLines(rates, period, rules);
  if (period.days !== 1 || rates.hourlyMinor === undefined) return daily;
  const hours = Math.max(1, Math.ceil((period.returnMs - period.pickupMs) / HOUR_MS));
  const hourly = rateLine('BASE', `${hours} hour${hours === 1 ? '' : 's'}`, hours, rates.hourlyMinor);
  const dayMinor = daily.reduce((sum, line) => sum + line.amountMinor, 0);
  return hourly.amountMinor < dayMinor ? [hourly] : daily;
};
