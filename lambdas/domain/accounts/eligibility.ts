import type { FieldIssue } from '../../shared/errors';
import { localDate } from '../rental-time';
import { ageAt } from './age';
import type { DriverDetails } from './model';

export { ageAt };

/** The driver rules a rental can break, as stable codes for clients (a booking answers 422 naming them). */
export type DriverRule = 'DRIVER_UNDER_MINIMUM_AGE' | 'LICENCE_EXPIRES_BEFORE_RETURN' | 'DRIVER_DETAILS_MISSING';

/** One broken rule, naming the profile field it is about (`dateOfBirth`, `licence`, `licence.expiresOn`). */
export interface DriverProblem extends FieldIssue {
  field: 'dateOfBirth' | 'licence' | 'licence.expiresOn';
  rule: DriverRule;
}

export interface DriverRental {
  /** The car type's minimum age at the location (pricing's minimumAgeFor); 0 or less: no age rule. */
  minAge: number;
  pickupAtMs: number;
  returnAtMs: number;
  /** The pick-up location's IANA zone: birthdays and the licence's last day are its calendar days (UTC by default). */
  timeZone?: string;
}

/**
 * Everything that keeps this driver from this rental, or nothing. Every problem is reported, each with
 * its rule and the profile field to fix:
 * - DRIVER_UNDER_MINIMUM_AGE: younger than `minAge` at pick-up (ageAt, on the location's calendar);
 * - LICENCE_EXPIRES_BEFORE_RETURN: the licence is valid through its `expiresOn` day (local at the
 *   location), and that day is before the return's (an already expired licence included);
 * - DRIVER_DETAILS_MISSING: a rule needs a field the profile lacks (the licence always; the date of
 *   birth when there is a minimum age).
 * Messages carry no personal data (no date of birth, licence number or expiry): what the driver must
 * fix, with the rental's own dates.
 */
export const driverProblems = (driver: DriverDetails, rental: DriverRental): DriverProblem[] => {
  const timeZone = rental.timeZone ?? 'UTC';
  const problems: DriverProblem[] = [];
  if (rental.minAge > 0) {
    if (!driver.dateOfBirth) {
      problems.push({
        field: 'dateOfBirth',
        rule: 'DRIVER_DETAILS_MISSING',
        message: `Add your date of birth to your profile: this car needs a driver aged at least ${rental.minAge}.`,
      });
    } else if (ageAt(driver.dateOfBirth, rental.pickupAtMs, timeZone) < rental.minAge) {
      problems.push({
        field: 'dateOfBirth',
        rule: 'DRIVER_UNDER_MINIMUM_AGE',
        message: `This car needs a driver aged at least ${rental.minAge} at pick-up (${localDate(rental.pickupAtMs, timeZone)}).`,
      });
    }
  }
  if (!driver.licence) {
    problems.push({ field: 'licence', rule: 'DRIVER_DETAILS_MISSING', message: 'Add your driving licence to your profile.' });
  } else if (driver.licence.expiresOn < localDate(rental.returnAtMs, timeZone)) {
    problems.push({
      field: 'licence.expiresOn',
      rule: 'LICENCE_EXPIRES_BEFORE_RETURN',
      message: `Your driving licence must be valid until the return (${localDate(rental.returnAtMs, timeZone)}).`,
    });
  }
  return problems;
};
