import { LOCATIONS } from '../../../lambdas/domain/fleet/catalog';
import { LOCATION_PROFILES, WEEKDAYS, formatRentalTime, locationProfile, parseRentalTime } from '../../../lambdas/domain/rental-time';

describe('location profiles', () => {
  it('gives every catalog location a profile, and nothing else', () => {
    expect(Object.keys(LOCATION_PROFILES).sort()).toEqual([...LOCATIONS].sort());
    for (const code of LOCATIONS) expect(locationProfile(code).code).toBe(code);
  });

  it.each([
    ['LAX', 'America/Los_Angeles'],
    ['PHX', 'America/Phoenix'],
    ['TUS', 'America/Phoenix'],
    ['HNL', 'Pacific/Honolulu'],
    ['OGG', 'Pacific/Honolulu'],
    ['ANC', 'America/Anchorage'],
    ['DEN', 'America/Denver'],
    ['ELP', 'America/Denver'],
    ['BOI', 'America/Boise'],
    ['DTW', 'America/Detroit'],
    ['GRR', 'America/Detroit'],
    ['IND', 'America/Indiana/Indianapolis'],
    ['SDF', 'America/Kentucky/Louisville'],
    ['PNS', 'America/Chicago'],
    ['CHA', 'America/New_York'],
    ['ORD', 'America/Chicago'],
    ['JFK', 'America/New_York'],
  ] as const)('%s is in %s', (code, zone) => {
    expect(locationProfile(code).timeZone).toBe(zone);
  });

  it('names only zones the runtime knows, each a US zone at its usual offsets', () => {
    // Winter and summer offsets in hours: a typo'd or foreign zone would show here.
    const US_OFFSETS = new Set(['-5/-4', '-6/-5', '-7/-6', '-8/-7', '-7/-7', '-10/-10', '-9/-8']);
    for (const code of LOCATIONS) {
      const { timeZone } = locationProfile(code);
      expect(() => new Intl.DateTimeFormat('en-US', { timeZone })).not.toThrow();
      const offset = (date: string) => {
        const result = parseRentalTime(`${date}T12:00`, timeZone);
        if (!result.ok) throw new Error(result.message);
        return Number(formatRentalTime(result.ms, timeZone).slice(19, 22));
      };
      expect([code, US_OFFSETS.has(`${offset('2027-01-15')}/${offset('2027-07-15')}`)]).toEqual([code, true]);
    }
  });

  it('has the documented defaults: 06:00-23:00 daily (hubs around the clock), 60 minutes notice and turnaround, 29 minutes grace, USD', () => {
    expect(locationProfile('BZN')).toEqual({
      code: 'BZN',
      timeZone: 'America/Denver',
      openingHours: Object.fromEntries(WEEKDAYS.map((day) => [day, { opens: '06:00', closes: '23:00' }])),
      closedDates: [],
      minNoticeMinutes: 60,
      turnaroundMinutes: 60,
      gracePeriodMinutes: 29,
      currency: 'USD',
    });
    expect(locationProfile('LAX').openingHours.monday).toEqual({ opens: '00:00', closes: '24:00' });
  });

  it('declares well-formed hours (opens before closes) and closed dates', () => {
    const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
    const malformed = LOCATIONS.flatMap((code) => {
      const { openingHours, closedDates } = locationProfile(code);
      const badHours = WEEKDAYS.filter((day) => {
        const hours = openingHours[day];
        return (
          hours !== null && !(TIME.test(hours.opens) && (TIME.test(hours.closes) || hours.closes === '24:00') && hours.opens < hours.closes)
        );
      });
      const badDates = closedDates.filter((date) => !/^\d{4}-\d{2}-\d{2}$/.test(date));
      return [...badHours, ...badDates].map((what) => `${code} ${what}`);
    });
    expect(malformed).toEqual([]);
  });
});
