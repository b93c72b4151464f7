import { DAY_MS, MINUTE_MS, wallMsAt } from './zone-clock';

/** Started 24-hour periods beyond the grace period, at least one. */
const startedDays = (spanMs: number, graceMinutes: number): number => Math.max(1, Math.ceil((spanMs - graceMinutes * MINUTE_MS) / DAY_MS));

/**
 * Days billed for a rental: one per started 24 hours once the grace period is taken off, at least one
 * (3 days and 20 minutes with 29 minutes' grace is 3 days; 3 days and 40 minutes is 4).
 *
 * Daylight saving time: the 24 hours are counted both on the location's wall clock and in elapsed
 * time, and the customer pays the fewer days. So neither "10:00 to 10:00 the next day" (23 or 25
 * hours elapsed across a change) nor "24 hours" (10:00 to 11:00 the next day across spring forward,
 * 25 hours on the wall clock) costs a second day. Away from a change both counts are equal.
 */
export const billedDays = (pickupMs: number, returnMs: number, timeZone: string, gracePeriodMinutes: number): number =>
  Math.min(
    startedDays(wallMsAt(returnMs, timeZone) - wallMsAt(pickupMs, timeZone), gracePeriodMinutes),
    startedDays(returnMs - pickupMs, gracePeriodMinutes),
  );

/** Price of a period in integer minor units; refuses anything that would not be an exact integer. */
export const periodPriceMinor = (dailyMinor: number, days: number): number => {
  const total = dailyMinor * days;
  if (!Number.isSafeInteger(dailyMinor) || !Number.isSafeInteger(days) || dailyMinor < 0 || days < 1 || !Number.isSafeInteger(total)) {
    throw new RangeError(`Not a price: ${dailyMinor} minor units x ${days} days`);
  }
  return total;
};
