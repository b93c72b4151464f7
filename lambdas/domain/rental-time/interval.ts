import { localDayStartMs } from './local-time';
import { MINUTE_MS } from './zone-clock';

/**
 * The one interval rule. A booking occupies its car from pick-up until it is ready again: its return
 * plus the turnaround of the location the car is returned to. Intervals are half-open, [from, ready),
 * on epoch ms, so a car returned at 10:00 with a 60-minute turnaround can go out at 11:00 (not 10:30),
 * and two bookings separated by exactly the turnaround both fit.
 */
export interface Occupancy {
  fromMs: number;
  readyMs: number;
}
export interface RentalRequest {
  pickupMs: number;
  readyMs: number;
}

/** When the car can go out again after a return. */
export const readyAt = (returnMs: number, turnaroundMinutes: number): number => returnMs + turnaroundMinutes * MINUTE_MS;

/** Whether booking `b` keeps the car from the requested rental (its own turnaround included): half-open overlap. */
export const occupies = (b: Occupancy, request: RentalRequest): boolean => b.fromMs < request.readyMs && request.pickupMs < b.readyMs;

/** A request fits a car exactly when none of the car's bookings (and blocks) occupies it. */
export const fits = (existing: readonly Occupancy[], request: RentalRequest): boolean => !existing.some((b) => occupies(b, request));

/**
 * A v1 booking `startDate..endDate` on the v2 core: from the location's local midnight starting
 * `startDate` (the first instant of that local day) to the one starting `endDate`, where the car is
 * also ready: a v1 day booking absorbs the turnaround inside its last day, so v1 back-to-back bookings
 * (one ends on the day the next starts) still fit, as they always did, and a v2 rental may start on the
 * morning of a v1 booking's end date.
 */
export const v1Interval = (
  startDate: string,
  endDate: string,
  timeZone: string,
): { pickupMs: number; returnMs: number; readyMs: number } => {
  const pickupMs = localDayStartMs(startDate, timeZone);
  const returnMs = localDayStartMs(endDate, timeZone);
  return { pickupMs, returnMs, readyMs: returnMs };
};
