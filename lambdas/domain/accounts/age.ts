import { localDate } from '../rental-time';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `[year, month, day]` of a `YYYY-MM-DD` date; throws RangeError for anything else (callers pass checked dates). */
const partsOf = (date: string): [number, number, number] => {
  const match = ISO_DATE.exec(date);
  if (!match) throw new RangeError(`Not a YYYY-MM-DD date: ${date}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
};

/**
 * A person's age in whole years at the instant `atMs`, on the calendar of `timeZone` (UTC by default;
 * a rental passes its location's zone, so the birthday begins at local midnight there), and 0 before
 * the date of birth.
 *
 * A year is complete on the birthday itself. Someone born on 29 February has their birthday on 1 March
 * in common years (the rule of, among others, England and Wales): born 2004-02-29, they are 16 on
 * 2020-02-29 and 17 on 2021-03-01, not on 2021-02-28. It is the later of the two readings, so no one is
 * counted old enough a day early.
 *
 * This is the plain comparison of (month, day) pairs: 02-28 comes before 02-29 and 03-01 after it, so a
 * common year's 1 March is the first day on or after the birthday.
 */
export const ageAt = (dateOfBirth: string, atMs: number, timeZone = 'UTC'): number => {
  const [birthYear, birthMonth, birthDay] = partsOf(dateOfBirth);
  const [year, month, day] = partsOf(localDate(atMs, timeZone));
  const beforeBirthday = month < birthMonth || (month === birthMonth && day < birthDay);
  return Math.max(0, year - birthYear - (beforeBirthday ? 1 : 0));
};

/**
 * The date `years` whole years before `date` (`YYYY-MM-DD`), as a string that sorts with ISO dates, for
 * comparisons only: it may name a day that does not exist (2011-02-29), which still sorts between
 * 02-28 and 03-01. `dateOfBirth <= yearsBefore(today, n)` exactly when `ageAt` is at least n (n >= 1) today.
 */
export const yearsBefore = (date: string, years: number): string => {
  const [year, month, day] = partsOf(date);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(year - years, 4)}-${pad(month)}-${pad(day)}`;
};
