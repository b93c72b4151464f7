import fc from 'fast-check';
import { ageAt, yearsBefore } from '../../../lambdas/domain/accounts/age';
import { COUNTRY_CODES } from '../../../lambdas/domain/accounts/countries';
import { dateOfBirthProblem, DRIVER_DETAIL_KEYS } from '../../../lambdas/domain/accounts/driver-details';
import { driverProblems, type DriverRental } from '../../../lambdas/domain/accounts/eligibility';
import type { DriverDetails } from '../../../lambdas/domain/accounts/model';
import { REDACTED_LOG_KEYS } from '../../../lambdas/shared/logger';

const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);

describe('ageAt', () => {
  it('counts whole years, a year being complete on the birthday itself; 0 before the birth', () => {
    expect(ageAt('2000-05-10', at('2025-05-09T23:59:59Z'))).toBe(24);
    expect(ageAt('2000-05-10', at('2025-05-10T00:00:00Z'))).toBe(25);
    expect(ageAt('2000-05-10', at('2000-05-10T00:00:00Z'))).toBe(0);
    expect(ageAt('2000-05-10', at('1999-01-01T00:00:00Z'))).toBe(0);
  });

  it('born on 29 February: the birthday is 1 March in common years, 29 February in leap years', () => {
    expect(ageAt('2004-02-29', at('2005-02-28T12:00Z'))).toBe(0);
    expect(ageAt('2004-02-29', at('2005-03-01T00:00Z'))).toBe(1);
    expect(ageAt('2004-02-29', at('2008-02-28T12:00Z'))).toBe(3);
    expect(ageAt('2004-02-29', at('2008-02-29T00:00Z'))).toBe(4);
    // 2100 is no leap year.
    expect(ageAt('2096-02-29', at('2100-02-28T23:59Z'))).toBe(3);
    expect(ageAt('2096-02-29', at('2100-03-01T00:00Z'))).toBe(4);
  });

  it("reads the instant on the location's calendar: a birthday starts at local midnight", () => {
    // 05:00 UTC on 1 March is still 28 February, 21:00, in Los Angeles, and already 14:00 in Tokyo.
    const instant = at('2025-03-01T05:00:00Z');
    expect(ageAt('2007-03-01', instant)).toBe(18);
    expect(ageAt('2007-03-01', instant, 'America/Los_Angeles')).toBe(17);
    expect(ageAt('2007-03-01', instant, 'Asia/Tokyo')).toBe(18);
  });

  it('refuses what is not a date', () => {
    expect(() => ageAt('1.5.2000', 0)).toThrow(RangeError);
  });

  /**
   * The model: walk the birthdays one by one. The n-th is the date n years after the birth, and JavaScript's
   * Date.UTC rolls 29 February of a common year over to 1 March, the documented rule. The age is the number of
   * birthdays on or before the local date, which comes from Intl directly (not from the code under test).
   */
  const localDateModel = (ms: number, timeZone: string) =>
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
  const dayMs = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  const ageModel = (dateOfBirth: string, atMs: number, timeZone: string): number => {
    const today = dayMs(localDateModel(atMs, timeZone));
    const [y, m, d] = [Number(dateOfBirth.slice(0, 4)), Number(dateOfBirth.slice(5, 7)), Number(dateOfBirth.slice(8, 10))];
    let age = 0;
    while (Date.UTC(y + age + 1, m - 1, d) <= today) age++;
    return age;
  };

  const FIRST = Date.UTC(1900, 0, 1);
  const LAST = Date.UTC(2100, 11, 31);
  const isoOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const anyDate = fc.integer({ min: 0, max: (LAST - FIRST) / DAY }).map((days) => isoOf(FIRST + days * DAY));
  const leapDay = fc
    .integer({ min: 1900, max: 2100 })
    .filter((y) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)
    .map((y) => `${y}-02-29`);
  const birthArb = fc.oneof(anyDate, leapDay);
  const zoneArb = fc.constantFrom(
    'UTC',
    'America/Los_Angeles',
    'Asia/Tokyo',
    'Asia/Kolkata',
    'Pacific/Kiritimati',
    'Pacific/Pago_Pago',
    'Australia/Lord_Howe',
  );
  /** An instant from 3 years before the birth to 125 after, half of them within two days of a birthday. */
  const instantArb = (dateOfBirth: string) => {
    const birth = dayMs(dateOfBirth);
    const anywhere = fc.integer({ min: -3 * 366 * DAY, max: 125 * 366 * DAY }).map((offset) => birth + offset);
    const nearBirthday = fc
      .tuple(fc.integer({ min: 0, max: 125 }), fc.integer({ min: -2 * DAY, max: 2 * DAY }))
      .map(
        ([years, offset]) =>
          Date.UTC(Number(dateOfBirth.slice(0, 4)) + years, Number(dateOfBirth.slice(5, 7)) - 1, Number(dateOfBirth.slice(8, 10))) + offset,
      );
    return fc.oneof(anywhere, nearBirthday);
  };
  const caseArb = birthArb.chain((dateOfBirth) => fc.tuple(fc.constant(dateOfBirth), instantArb(dateOfBirth), zoneArb));

  it('agrees with the birthday-by-birthday model (property)', () => {
    fc.assert(
      fc.property(caseArb, ([dateOfBirth, atMs, zone]) => {
        expect(ageAt(dateOfBirth, atMs, zone)).toBe(ageModel(dateOfBirth, atMs, zone));
      }),
      { numRuns: 2000 },
    );
  });

  it('never goes down with time, and grows by at most one a day (property)', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: DAY }), ([dateOfBirth, atMs, zone], later) => {
        const now = ageAt(dateOfBirth, atMs, zone);
        const next = ageAt(dateOfBirth, atMs + later, zone);
        expect(next - now).toBeGreaterThanOrEqual(0);
        expect(next - now).toBeLessThanOrEqual(1);
      }),
      { numRuns: 1000 },
    );
  });

  it('is at least n (n >= 1) exactly when the date of birth is on or before yearsBefore(today, n) (property)', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 125 }), ([dateOfBirth, atMs], years) => {
        const today = isoOf(atMs);
        expect(ageAt(dateOfBirth, atMs) >= years).toBe(dateOfBirth <= yearsBefore(today, years));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('dateOfBirthProblem: 16 to 120 years before today', () => {
  const now = at('2026-06-15T10:00:00Z');

  it('takes a driver who is 16 today and one born exactly 120 years ago', () => {
    expect(dateOfBirthProblem('2010-06-15', now)).toBeUndefined();
    expect(dateOfBirthProblem('1906-06-15', now)).toBeUndefined();
    expect(dateOfBirthProblem('1980-01-31', now)).toBeUndefined();
  });

  it('refuses one a day short of 16, one born more than 120 years ago, and one born in the future', () => {
    for (const date of ['2010-06-16', '1906-06-14', '2030-01-01']) {
      const problem = dateOfBirthProblem(date, now);
      expect(problem).toBe('A driver is 16 to 120 years old: give a date of birth from 1906-06-15 to 2010-06-15.');
    }
  });

  it('29 February: 16 on 1 March of a common year', () => {
    expect(dateOfBirthProblem('2008-02-29', at('2024-02-28T12:00Z'))).toBeDefined();
    expect(dateOfBirthProblem('2008-02-29', at('2024-02-29T12:00Z'))).toBeUndefined();
    expect(dateOfBirthProblem('2009-02-28', at('2025-02-28T12:00Z'))).toBeUndefined();
    expect(dateOfBirthProblem('2009-03-01', at('2025-02-28T12:00Z'))).toBeDefined();
  });
});

describe('driverProblems', () => {
  const licence = { number: 'MORGA753116SM9IJ', country: 'GB', expiresOn: '2027-12-31' };
  const driver: DriverDetails = { dateOfBirth: '2000-03-02', licence };
  // 25 on 2 March 2025; the rental runs 1 to 5 March 2025.
  const rental: DriverRental = { minAge: 21, pickupAtMs: at('2025-03-01T10:00Z'), returnAtMs: at('2025-03-05T10:00Z') };
  const rules = (details: DriverDetails, r: DriverRental) => driverProblems(details, r).map((p) => `${p.field} ${p.rule}`);

  it('has nothing against an old enough driver whose licence outlasts the rental', () => {
    expect(driverProblems(driver, rental)).toEqual([]);
  });

  it('DRIVER_UNDER_MINIMUM_AGE: judged at pick-up, the birthday counting', () => {
    expect(rules(driver, { ...rental, minAge: 25 })).toEqual(['dateOfBirth DRIVER_UNDER_MINIMUM_AGE']);
    // Picked up on the 25th birthday: of age.
    expect(rules(driver, { ...rental, minAge: 25, pickupAtMs: at('2025-03-02T00:00Z') })).toEqual([]);
    // At the location's calendar: 2 March 01:00 UTC is 1 March in Los Angeles.
    expect(rules(driver, { ...rental, minAge: 25, pickupAtMs: at('2025-03-02T01:00Z'), timeZone: 'America/Los_Angeles' })).toEqual([
      'dateOfBirth DRIVER_UNDER_MINIMUM_AGE',
    ]);
  });

  it('LICENCE_EXPIRES_BEFORE_RETURN: valid through its expiry day, on the local calendar', () => {
    const expiring = (expiresOn: string) => ({ ...driver, licence: { ...licence, expiresOn } });
    expect(rules(expiring('2025-03-05'), rental)).toEqual([]);
    expect(rules(expiring('2025-03-04'), rental)).toEqual(['licence.expiresOn LICENCE_EXPIRES_BEFORE_RETURN']);
    expect(rules(expiring('2024-01-01'), rental)).toEqual(['licence.expiresOn LICENCE_EXPIRES_BEFORE_RETURN']);
    // 23:30 on 5 March in Los Angeles is 6 March in UTC.
    const lateReturn = { ...rental, returnAtMs: at('2025-03-06T07:30Z') };
    expect(rules(expiring('2025-03-05'), { ...lateReturn, timeZone: 'America/Los_Angeles' })).toEqual([]);
    expect(rules(expiring('2025-03-05'), lateReturn)).toEqual(['licence.expiresOn LICENCE_EXPIRES_BEFORE_RETURN']);
  });

  it('DRIVER_DETAILS_MISSING for each field a rule needs; the date of birth only where there is a minimum age', () => {
    expect(rules({}, rental)).toEqual(['dateOfBirth DRIVER_DETAILS_MISSING', 'licence DRIVER_DETAILS_MISSING']);
    expect(rules({ licence }, { ...rental, minAge: 0 })).toEqual([]);
    expect(rules({ dateOfBirth: driver.dateOfBirth }, rental)).toEqual(['licence DRIVER_DETAILS_MISSING']);
  });

  it('reports every problem at once, and no personal data in its messages', () => {
    const problems = driverProblems({ dateOfBirth: '2010-01-01', licence: { ...licence, expiresOn: '2025-02-20' } }, rental);
    expect(problems.map((p) => p.rule)).toEqual(['DRIVER_UNDER_MINIMUM_AGE', 'LICENCE_EXPIRES_BEFORE_RETURN']);
    expect(problems.map((p) => p.message)).toEqual([
      'This car needs a driver aged at least 21 at pick-up (2025-03-01).',
      'Your driving licence must be valid until the return (2025-03-05).',
    ]);
    const text = JSON.stringify(problems);
    for (const secret of ['2010-01-01', licence.number, '2025-02-20', 'GB']) expect(text).not.toContain(secret);
  });
});

describe('driver details as data', () => {
  it('lists the 249 assigned ISO 3166-1 alpha-2 codes, each known to Intl, none reserved', () => {
    const names = new Intl.DisplayNames(['en'], { type: 'region' });
    expect(new Set(COUNTRY_CODES).size).toBe(249);
    expect(COUNTRY_CODES.filter((code) => names.of(code) === code)).toEqual([]);
    for (const reserved of ['UK', 'EU', 'XK', 'YU', 'AN']) expect(COUNTRY_CODES).not.toContain(reserved);
  });

  it('every driver-detail key is on the logger’s redaction list', () => {
    for (const key of DRIVER_DETAIL_KEYS) expect(REDACTED_LOG_KEYS.has(key)).toBe(true);
  });
});
