import type { Interval } from '../fleet/interval';
import type { LocationCode } from '../fleet/catalog';
import { billedDays } from './billing';
import { rentalInterval } from './interval';
import { formatRentalTime, parseRentalTime } from './local-time';
import { locationProfile, type LocationProfile } from './locations';
import { rentalProblems, type RentalLimits } from './rules';

/** A v2 rental's times as asked (local date-times at the pick-up location). */
export interface RentalTimesInput {
  pickupAt: string;
  returnAt: string;
}

/** A rental's times, resolved at its location: instants, the interval it takes the car for, billed days. */
export interface RentalTimes {
  profile: LocationProfile;
  pickupMs: number;
  returnMs: number;
  /** Pick-up to return plus the location's turnaround. */
  window: Interval;
  days: number;
  /** Pick-up, return and ready-again times with the location's offset, as the API shows them. */
  pickupAt: string;
  returnAt: string;
  readyAt: string;
}

export interface RentalTimeProblem {
  field: 'pickupAt' | 'returnAt';
  /** A stable code of the rule broken (INVALID_TIME for a time that cannot be read at the location). */
  rule: string;
  message: string;
}

/**
 * Reads a rental's local times at its location and checks them (notice, horizon, length, opening
 * hours): the times resolved, or every problem found, each naming its field and rule.
 */
export const resolveRentalTimes = (
  input: RentalTimesInput,
  location: LocationCode,
  nowMs: number,
  limits: RentalLimits,
  options: { pickupKept?: boolean } = {},
): { ok: true; times: RentalTimes } | { ok: false; problems: RentalTimeProblem[] } => {
  const profile = locationProfile(location);
  const pickup = parseRentalTime(input.pickupAt, profile.timeZone);
  const ret = parseRentalTime(input.returnAt, profile.timeZone);
  const unreadable: RentalTimeProblem[] = [
    ...(pickup.ok ? [] : [{ field: 'pickupAt' as const, rule: 'INVALID_TIME', message: pickup.message }]),
    ...(ret.ok ? [] : [{ field: 'returnAt' as const, rule: 'INVALID_TIME', message: ret.message }]),
  ];
  if (!pickup.ok || !ret.ok) return { ok: false, problems: unreadable };
  const problems = rentalProblems({ pickupMs: pickup.ms, returnMs: ret.ms }, profile, nowMs, limits, options);
  if (problems.length) return { ok: false, problems: problems.map(({ field, code, message }) => ({ field, rule: code, message })) };
  const window = rentalInterval(pickup.ms, ret.ms, profile.turnaroundMinutes);
  return {
    ok: true,
    times: {
      profile,
      pickupMs: pickup.ms,
      returnMs: ret.ms,
      window,
      days: billedDays(pickup.ms, ret.ms, profile.timeZone, profile.gracePeriodMinutes),
      pickupAt: formatRentalTime(pickup.ms, profile.timeZone),
      returnAt: formatRentalTime(ret.ms, profile.timeZone),
      readyAt: formatRentalTime(window.readyMs, profile.timeZone),
    },
  };
};
