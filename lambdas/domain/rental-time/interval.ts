import type { Interval } from '../fleet/interval';
import { MINUTE_MS } from './zone-clock';

/**
 * A v2 rental on the one interval rule (fleet/interval.ts `occupies`; availability.ts `isFreeFor` asks it of a car): it takes its car from pick-up
 * until it is ready again, its return plus the turnaround of the location the car is returned to.
 */
export const readyAt = (returnMs: number, turnaroundMinutes: number): number => returnMs + turnaroundMinutes * MINUTE_MS;

/** The interval a rental from `pickupMs` to `returnMs` takes its car for. */
export const rentalInterval = (pickupMs: number, returnMs: number, turnaroundMinutes: number): Interval => ({
  fromMs: pickupMs,
  readyMs: readyAt(returnMs, turnaroundMinutes),
});
