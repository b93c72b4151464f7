import { billedDays } from './billing';
import { formatRentalTime } from './local-time';
import { WEEKDAYS, type LocationProfile } from './locations';
import { DAY_MS, MINUTE_MS, formatWall, wallMsAt } from './zone-clock';

/** Shortest rental taken: under an hour is not worth a car's turnaround. */
export const MIN_RENTAL_MINUTES = 60;

export interface RentalLimits {
  /** Longest rental, in billed days (so a return within the grace period of the last day still counts). */
  maxDays: number;
  /** How far ahead of now a rental may run: its return must be within this many days (24 hours each). */
  horizonDays: number;
}

export type RentalProblemCode =
  | 'IN_THE_PAST'
  | 'TOO_SOON'
  | 'BEYOND_HORIZON'
  | 'RETURN_BEFORE_PICKUP'
  | 'TOO_SHORT'
  | 'TOO_LONG'
  | 'LOCATION_CLOSED'
  | 'OUTSIDE_OPENING_HOURS';

export interface RentalProblem {
  field: 'pickupAt' | 'returnAt';
  code: RentalProblemCode;
  message: string;
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const capitalized = (word: string) => word[0].toUpperCase() + word.slice(1);

/**
 * Whether the location hands over or takes back cars at `ms`, judged on its local wall clock: closed on
 * its closed dates and closed weekdays, else open from `opens` to `closes` inclusive.
 */
const openingProblem = (field: RentalProblem['field'], ms: number, profile: LocationProfile): RentalProblem | undefined => {
  const wall = wallMsAt(ms, profile.timeZone);
  const local = formatWall(wall).slice(0, 16);
  const date = local.slice(0, 10);
  const weekday = WEEKDAYS[new Date(wall).getUTCDay()];
  const what = `${field === 'pickupAt' ? 'Pick-up' : 'Return'} at ${local}`;
  if (profile.closedDates.includes(date)) {
    return { field, code: 'LOCATION_CLOSED', message: `${what}: ${profile.code} is closed on ${date}.` };
  }
  const hours = profile.openingHours[weekday];
  if (!hours) return { field, code: 'LOCATION_CLOSED', message: `${what}: ${profile.code} is closed on ${capitalized(weekday)}s.` };
  const sinceMidnight = wall - Math.floor(wall / DAY_MS) * DAY_MS;
  if (sinceMidnight < minutesOf(hours.opens) * MINUTE_MS || sinceMidnight > minutesOf(hours.closes) * MINUTE_MS) {
    const open = `${profile.code} is open ${hours.opens}-${hours.closes} on ${capitalized(weekday)}s`;
    return { field, code: 'OUTSIDE_OPENING_HOURS', message: `${what} is outside opening hours: ${open}.` };
  }
  return undefined;
};

/**
 * Everything wrong with a rental's times at a location, or nothing: when it starts (not in the past,
 * with the location's notice, within the horizon), how long it lasts (after its pick-up, at least
 * MIN_RENTAL_MINUTES, at most `maxDays` billed days), and whether the location is open at pick-up and
 * at return. Each problem names its field, a stable code and the rule in words.
 */
export const rentalProblems = (
  rental: { pickupMs: number; returnMs: number },
  profile: LocationProfile,
  nowMs: number,
  limits: RentalLimits,
  /**
   * A booked rental whose pick-up stays as it was (changed for its return only, or out already): the
   * pick-up is not judged again, only the return, which must be ahead.
   */
  options: { pickupKept?: boolean } = {},
): RentalProblem[] => {
  const { pickupMs, returnMs } = rental;
  const problems: (RentalProblem | undefined)[] = [];
  const horizonEnd = nowMs + limits.horizonDays * DAY_MS;
  const horizon = `Rentals are taken up to ${limits.horizonDays} days ahead, until ${formatRentalTime(horizonEnd, profile.timeZone)}.`;

  if (options.pickupKept) {
    if (returnMs <= nowMs) problems.push({ field: 'returnAt', code: 'IN_THE_PAST', message: 'The return time is in the past.' });
  } else if (pickupMs < nowMs) problems.push({ field: 'pickupAt', code: 'IN_THE_PAST', message: 'The pick-up time is in the past.' });
  else if (pickupMs < nowMs + profile.minNoticeMinutes * MINUTE_MS) {
    const message = `Pick-up at ${profile.code} must be at least ${profile.minNoticeMinutes} minutes from now.`;
    problems.push({ field: 'pickupAt', code: 'TOO_SOON', message });
  } else if (pickupMs > horizonEnd) problems.push({ field: 'pickupAt', code: 'BEYOND_HORIZON', message: horizon });
  if (!options.pickupKept) problems.push(openingProblem('pickupAt', pickupMs, profile));

  if (returnMs <= pickupMs) {
    problems.push({ field: 'returnAt', code: 'RETURN_BEFORE_PICKUP', message: 'The return must be after the pick-up.' });
  } else if (returnMs - pickupMs < MIN_RENTAL_MINUTES * MINUTE_MS) {
    const message = `A rental lasts at least ${MIN_RENTAL_MINUTES} minutes.`;
    problems.push({ field: 'returnAt', code: 'TOO_SHORT', message });
  } else if (billedDays(pickupMs, returnMs, profile.timeZone, profile.gracePeriodMinutes) > limits.maxDays) {
    const message = `A rental lasts at most ${limits.maxDays} days (days start every 24 hours, after a ${profile.gracePeriodMinutes}-minute grace period).`;
    problems.push({ field: 'returnAt', code: 'TOO_LONG', message });
  }
  if (pickupMs <= horizonEnd && returnMs > horizonEnd) problems.push({ field: 'returnAt', code: 'BEYOND_HORIZON', message: horizon });
  problems.push(openingProblem('returnAt', returnMs, profile));
  return problems.filter((problem) => problem !== undefined);
};
