import { WEEKDAYS, localDate, type Weekday } from '../rental-time';
import { DAY_MS } from '../rental-time/zone-clock';
import type { LocationPricing, SeasonRule } from './rules';

/**
 * Which date rules price each billed day. Billed day i covers [pickup + i x 24 h, pickup + (i + 1) x 24 h)
 * on the location's wall clock and takes the local date of its start: a rental from Friday 10:00 to
 * Sunday 10:00 has a Friday and a Saturday, whatever time the car comes back. Counted on the wall clock
 * (as billedDays counts), so across a daylight saving change no date is skipped or priced twice: day i's
 * date is simply the pick-up's local date plus i days.
 *
 * Dates are handled as day numbers (days since 1970-01-01), so a search pricing many cars over a month
 * reads the zone once per car, not once per day.
 */

/** Days since 1970-01-01 of a calendar date `YYYY-MM-DD`. */
const dayNumberOf = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;

/** The weekday of a day number: 1970-01-01 was a Thursday. */
const weekdayOf = (day: number): Weekday => WEEKDAYS[(day + 4) % 7];

/** A season with its dates as day numbers. */
interface DatedSeason {
  season: SeasonRule;
  from: number;
  to: number;
}

const dated = (seasons: readonly SeasonRule[]): DatedSeason[] =>
  seasons.map((season) => ({ season, from: dayNumberOf(season.from), to: dayNumberOf(season.to) }));

/**
 * Whether `a` takes priority over `b` on a day both cover: a fixed daily price beats a multiplier (a
 * price set for the dates is meant as the price); among the same kind the narrower range wins (the more
 * specific rule, a holiday weekend inside a summer season); then the later `from` (the newer period).
 * The schema refuses two seasons of the same kind with the same dates, so this order is total.
 */
const outranks = (a: DatedSeason, b: DatedSeason): boolean => {
  const fixedA = a.season.fixedDailyMinor !== undefined;
  if (fixedA !== (b.season.fixedDailyMinor !== undefined)) return fixedA;
  if (a.to - a.from !== b.to - b.from) return a.to - a.from < b.to - b.from;
  return a.from > b.from;
};

const seasonOn = (day: number, seasons: readonly DatedSeason[]): SeasonRule | undefined => {
  let best: DatedSeason | undefined;
  for (const season of seasons) {
    if (season.from <= day && day <= season.to && (!best || outranks(season, best))) best = season;
  }
  return best?.season;
};

/** The season that prices local date `date` (from and to included), by the priority above; undefined outside all. */
export const seasonFor = (date: string, seasons: readonly SeasonRule[]): SeasonRule | undefined =>
  seasonOn(dayNumberOf(date), dated(seasons));

/** What prices one billed day: its season if any, and whether it is a weekend day. */
export interface BilledDay {
  season?: SeasonRule;
  weekend: boolean;
}

/** The date rules of each billed day of a rental picked up at `pickupMs`, in order. */
export const billedDayRules = (
  pickupMs: number,
  days: number,
  timeZone: string,
  rules: Pick<LocationPricing, 'seasons' | 'weekend'>,
): BilledDay[] => {
  const first = dayNumberOf(localDate(pickupMs, timeZone));
  const seasons = dated(rules.seasons);
  const weekend = new Set<Weekday>(rules.weekend?.days ?? []);
  return Array.from({ length: days }, (_, i) => ({
    season: seasonOn(first + i, seasons),
    weekend: weekend.has(weekdayOf(first + i)),
  }));
};
