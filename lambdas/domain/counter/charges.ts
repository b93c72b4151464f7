import type { QuoteLine } from '../pricing';
import { timesQuantity } from '../money';
import { chargeLines } from '../pricing/charges';
import { plainLines, type GroupedLine } from '../pricing/lines';
import type { CarCondition } from '../bookings/reservation';
import type { RentalTerms } from './terms';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The rental as its return is charged: its booked times, its terms, and the car as it went out. */
export interface ChargedRental {
  pickupMs: number;
  returnMs: number;
  terms: RentalTerms;
  out: CarCondition;
}

const line = (code: string, label: string, quantity: number, unitMinor: number): QuoteLine => ({
  code,
  label,
  quantity,
  unitMinor,
  amountMinor: timesQuantity(unitMinor, quantity),
});

/**
 * A late return: nothing within the grace after `returnAt`; past it, every started hour from `returnAt`
 * at the hourly rate, but never more than the day's rate for one day's hours, and whole days beyond.
 * So 26 hours late with a 25.00 hour and a 90.00 day is a day and 2 hours (140.00), and 5 hours late is
 * a day (90.00), not 125.00.
 */
export const lateLines = (rental: Pick<ChargedRental, 'returnMs' | 'terms'>, returnedMs: number): QuoteLine[] => {
  const { lateGraceMinutes, lateHourlyMinor, lateDailyMinor } = rental.terms;
  const lateMs = returnedMs - rental.returnMs;
  if (lateMs <= lateGraceMinutes * 60_000) return [];
  const hours = Math.ceil(lateMs / HOUR_MS);
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  // The rest of the hours cost at most a day: then they are a day.
  const restAsDay = rest > 0 && timesQuantity(lateHourlyMinor, rest) >= lateDailyMinor;
  const wholeDays = days + (restAsDay ? 1 : 0);
  return [
    ...(wholeDays > 0 ? [line('LATE_RETURN', 'Late return, per day', wholeDays, lateDailyMinor)] : []),
    ...(rest > 0 && !restAsDay ? [line('LATE_RETURN', 'Late return, per started hour', rest, lateHourlyMinor)] : []),
  ];
};

/** Fuel below the pick-up level, per eighth of a tank. */
export const fuelLines = (rental: Pick<ChargedRental, 'terms' | 'out'>, back: CarCondition): QuoteLine[] => {
  const missing = rental.out.fuelLevel - back.fuelLevel;
  return missing > 0 ? [line('FUEL', 'Refuelling, per eighth of a tank below pick-up', missing, rental.terms.fuelPerEighthMinor)] : [];
};

/** Rental days of the booked period (started 24 hours, at least one): what the mileage allowance is per. */
export const allowanceDays = (rental: Pick<ChargedRental, 'pickupMs' | 'returnMs'>): number =>
  Math.max(1, Math.ceil((rental.returnMs - rental.pickupMs) / DAY_MS));

/** Kilometres over the allowance (per booked day; unlimited when the terms have none). */
export const mileageLines = (rental: ChargedRental, back: CarCondition): QuoteLine[] => {
  const { kmPerDay, perKmMinor } = rental.terms;
  if (kmPerDay === undefined || perKmMinor === undefined) return [];
  const over = back.odometerKm - rental.out.odometerKm - kmPerDay * allowanceDays(rental);
  return over > 0 ? [line('MILEAGE', `Kilometres over ${kmPerDay} a day`, over, perKmMinor)] : [];
};

/**
 * Everything a return costs beyond the rental's price, as quote lines (none when on time, full and within
 * the mileage), then the taxes of its terms on them: the quote's own tax lines (`chargeLines`), with the
 * return's lines in the `rate` group (more of the rental: its time, distance and fuel), so a tax on the
 * rate is charged on them as on the rental's.
 */
export const returnCharges = (rental: ChargedRental, back: CarCondition & { atMs: number }): QuoteLine[] => {
  const lines: GroupedLine[] = [...lateLines(rental, back.atMs), ...fuelLines(rental, back), ...mileageLines(rental, back)].map((l) => ({
    ...l,
    group: 'rate',
  }));
  return plainLines([...lines, ...chargeLines('tax', rental.terms.taxes ?? [], lines, 0)]);
};
