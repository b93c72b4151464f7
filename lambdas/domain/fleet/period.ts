import { MAX_RENTAL_DAYS } from './catalog';

/**
 * A rental period in whole days: `startDate` is the pick-up day and `endDate` the return day, so the
 * car is taken for the days [startDate, endDate) and is free again on endDate. Dates are ISO
 * `YYYY-MM-DD` strings (UTC calendar days), which also compare correctly as strings.
 */
export interface Period {
  startDate: string;
  endDate: string;
}

const DAY_MS = 86_400_000;

export const todayUtc = (now: Date): string => now.toISOString().slice(0, 10);

export const daysBetween = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / DAY_MS;

export type PeriodProblem = { field: 'startDate' | 'endDate'; message: string };

/** What is wrong with a period (reversed, in the past, longer than `maxDays`), or nothing. */
export const periodProblems = (period: Period, now: Date, maxDays = MAX_RENTAL_DAYS): PeriodProblem[] => {
  const problems: PeriodProblem[] = [];
  if (period.startDate < todayUtc(now)) problems.push({ field: 'startDate', message: 'The start date is in the past.' });
  const days = daysBetween(period.startDate, period.endDate);
  if (days < 1) problems.push({ field: 'endDate', message: 'The end date must be after the start date.' });
  else if (days > maxDays) {
    problems.push({ field: 'endDate', message: `The period lasts at most ${maxDays} days.` });
  }
  return problems;
};
