import { ageAt, yearsBefore } from './age';

/**
 * What a profile may hold about its owner as a driver: a date of birth and a driving licence. Both are
 * personal data (PII): the owner and admins read them, they live in the profile item only, and they are
 * never logged (the logger redacts these keys: lambdas/shared/logger.ts). See docs/security.md.
 */

/** Ages a date of birth may give today: younger than 16 cannot hold a licence; older than 120 is a typo. */
export const DRIVER_AGE_RANGE = { min: 16, max: 120 } as const;

/** A licence number, once trimmed: 1 to 32 ASCII letters, digits, spaces and hyphens (what licences print). */
export const LICENCE_NUMBER = /^[A-Za-z0-9 -]{1,32}$/;
export const LICENCE_NUMBER_MAX = 32;

/** The profile's keys that hold driver details: the logger's redaction list names them. */
export const DRIVER_DETAIL_KEYS = ['dateOfBirth', 'licence'] as const;

/**
 * Why a date of birth (`YYYY-MM-DD`) cannot be a driver's today (UTC), or undefined: it must be at least
 * 16 and at most 120 years before today (with ageAt's birthday rule: 29 February counts from 1 March).
 */
export const dateOfBirthProblem = (dateOfBirth: string, nowMs: number): string | undefined => {
  const today = new Date(nowMs).toISOString().slice(0, 10);
  const { min, max } = DRIVER_AGE_RANGE;
  if (ageAt(dateOfBirth, nowMs) >= min && dateOfBirth >= yearsBefore(today, max)) return undefined;
  return `A driver is ${min} to ${max} years old: give a date of birth from ${yearsBefore(today, max)} to ${yearsBefore(today, min)}.`;
};
