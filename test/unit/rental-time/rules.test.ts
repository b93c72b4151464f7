import {
  MIN_RENTAL_MINUTES,
  locationProfile,
  parseRentalTime,
  rentalProblems,
  type LocationProfile,
  type RentalProblem,
} from '../../../lambdas/domain/rental-time';

const at = (text: string, profile: LocationProfile): number => {
  const result = parseRentalTime(text, profile.timeZone);
  if (!result.ok) throw new Error(result.message);
  return result.ms;
};

const SAN = locationProfile('SAN'); // 06:00-23:00 daily, America/Los_Angeles
const LAX = locationProfile('LAX'); // round the clock
const PHX = locationProfile('PHX'); // 06:00-23:00, no DST
const LIMITS = { maxDays: 30, horizonDays: 365 };
const NOW_TEXT = '2027-02-01T12:00';

const problems = (pickup: string, ret: string, profile = SAN, now = NOW_TEXT, limits = LIMITS) =>
  rentalProblems({ pickupMs: at(pickup, profile), returnMs: at(ret, profile) }, profile, at(now, profile), limits);
const codes = (list: RentalProblem[]) => list.map(({ field, code }) => `${field} ${code}`);

describe('rentalProblems', () => {
  it('of a rental picked up already (an extension): judges only the return, which must be ahead and in the hours', () => {
    const pickupKept = (pickup: string, ret: string) =>
      codes(rentalProblems({ pickupMs: at(pickup, SAN), returnMs: at(ret, SAN) }, SAN, at(NOW_TEXT, SAN), LIMITS, { pickupKept: true }));
    // Its pick-up yesterday at 05:00 (in the past, and before opening) is history.
    expect(pickupKept('2027-01-31T05:00', '2027-02-01T18:00')).toEqual([]);
    expect(pickupKept('2027-01-31T10:00', '2027-02-01T11:00')).toEqual(['returnAt IN_THE_PAST']);
    expect(pickupKept('2027-01-31T10:00', '2027-02-01T23:30')).toEqual(['returnAt OUTSIDE_OPENING_HOURS']);
    expect(pickupKept('2027-01-20T10:00', '2027-02-25T10:00')).toEqual(['returnAt TOO_LONG']);
  });

  it('finds nothing wrong with a rental inside the hours, with notice, of a sensible length', () => {
    expect(problems('2027-03-01T10:00', '2027-03-04T10:00')).toEqual([]);
    expect(problems('2027-02-01T13:00', '2027-02-01T14:00')).toEqual([]);
  });

  it('refuses a pick-up in the past, or sooner than the notice', () => {
    expect(problems('2027-02-01T11:59', '2027-02-03T10:00')).toEqual([
      { field: 'pickupAt', code: 'IN_THE_PAST', message: 'The pick-up time is in the past.' },
    ]);
    expect(problems('2027-02-01T12:59', '2027-02-03T10:00')).toEqual([
      { field: 'pickupAt', code: 'TOO_SOON', message: 'Pick-up at SAN must be at least 60 minutes from now.' },
    ]);
    expect(problems('2027-02-01T12:00', '2027-02-03T10:00').map((p) => p.code)).toEqual(['TOO_SOON']);
    expect(problems('2027-02-01T13:00', '2027-02-03T10:00')).toEqual([]);
  });

  it('refuses a return before or at the pick-up, and a rental under an hour', () => {
    expect(codes(problems('2027-03-01T10:00', '2027-03-01T09:00'))).toEqual(['returnAt RETURN_BEFORE_PICKUP']);
    expect(codes(problems('2027-03-01T10:00', '2027-03-01T10:00'))).toEqual(['returnAt RETURN_BEFORE_PICKUP']);
    expect(problems('2027-03-01T10:00', '2027-03-01T10:59')).toEqual([
      { field: 'returnAt', code: 'TOO_SHORT', message: `A rental lasts at least ${MIN_RENTAL_MINUTES} minutes.` },
    ]);
    expect(problems('2027-03-01T10:00', '2027-03-01T11:00')).toEqual([]);
  });

  it('refuses a rental longer than maxDays billed days (the grace period included)', () => {
    expect(problems('2027-04-01T10:00', '2027-05-01T10:29')).toEqual([]);
    expect(problems('2027-04-01T10:00', '2027-05-01T10:30')).toEqual([
      {
        field: 'returnAt',
        code: 'TOO_LONG',
        message: 'A rental lasts at most 30 days (days start every 24 hours, after a 29-minute grace period).',
      },
    ]);
    // Across spring forward the car was out an hour less than the clock says: billed 30 days, so not too long.
    expect(problems('2027-03-01T10:00', '2027-03-31T10:30')).toEqual([]);
    expect(codes(problems('2027-03-01T10:00', '2027-03-31T11:30'))).toEqual(['returnAt TOO_LONG']);
  });

  it('refuses a rental that runs past the horizon, on the field that does', () => {
    const limits = { maxDays: 30, horizonDays: 10 };
    expect(problems('2027-02-05T10:00', '2027-02-11T12:00', SAN, NOW_TEXT, limits)).toEqual([]);
    expect(problems('2027-02-05T10:00', '2027-02-11T12:01', SAN, NOW_TEXT, limits)).toEqual([
      {
        field: 'returnAt',
        code: 'BEYOND_HORIZON',
        message: 'Rentals are taken up to 10 days ahead, until 2027-02-11T12:00:00-08:00.',
      },
    ]);
    expect(codes(problems('2027-02-12T10:00', '2027-02-13T10:00', SAN, NOW_TEXT, limits))).toEqual(['pickupAt BEYOND_HORIZON']);
  });

  it('refuses pick-up or return outside opening hours, opens and closes included, in local time', () => {
    expect(problems('2027-03-01T06:00', '2027-03-02T23:00')).toEqual([]);
    expect(problems('2027-03-01T05:59', '2027-03-02T23:01')).toEqual([
      {
        field: 'pickupAt',
        code: 'OUTSIDE_OPENING_HOURS',
        message: 'Pick-up at 2027-03-01T05:59 is outside opening hours: SAN is open 06:00-23:00 on Mondays.',
      },
      {
        field: 'returnAt',
        code: 'OUTSIDE_OPENING_HOURS',
        message: 'Return at 2027-03-02T23:01 is outside opening hours: SAN is open 06:00-23:00 on Tuesdays.',
      },
    ]);
    // Round the clock: any minute, midnight included.
    expect(problems('2027-03-01T00:00', '2027-03-01T23:59', LAX)).toEqual([]);
    expect(problems('2027-03-01T03:00', '2027-03-02T00:00', LAX)).toEqual([]);
  });

  it('judges hours on the local clock across daylight saving time, and in Phoenix without it', () => {
    // 06:00 local on the Monday after spring forward is 13:00Z, not 14:00Z.
    expect(problems('2027-03-15T06:00', '2027-03-16T06:00')).toEqual([]);
    expect(codes(problems('2027-03-15T05:30', '2027-11-08T05:30', SAN, NOW_TEXT, { maxDays: 365, horizonDays: 365 }))).toEqual([
      'pickupAt OUTSIDE_OPENING_HOURS',
      'returnAt OUTSIDE_OPENING_HOURS',
    ]);
    // Phoenix: 06:00 local is 13:00Z all year.
    expect(problems('2027-07-01T06:00', '2027-07-02T06:00', PHX)).toEqual([]);
    const rental = { pickupMs: Date.parse('2027-07-01T12:30:00Z'), returnMs: Date.parse('2027-07-02T13:00:00Z') };
    expect(rentalProblems(rental, PHX, at(NOW_TEXT, PHX), LIMITS)).toEqual([
      {
        field: 'pickupAt',
        code: 'OUTSIDE_OPENING_HOURS',
        message: 'Pick-up at 2027-07-01T05:30 is outside opening hours: PHX is open 06:00-23:00 on Thursdays.',
      },
    ]);
  });

  it('refuses pick-up or return on a closed weekday or a closed date', () => {
    const closing: LocationProfile = {
      ...SAN,
      openingHours: { ...SAN.openingHours, sunday: null },
      closedDates: ['2027-12-25'],
    };
    expect(problems('2027-02-06T10:00', '2027-02-07T10:00', closing)).toEqual([
      { field: 'returnAt', code: 'LOCATION_CLOSED', message: 'Return at 2027-02-07T10:00: SAN is closed on Sundays.' },
    ]);
    expect(problems('2027-12-25T10:00', '2027-12-27T10:00', closing)).toEqual([
      { field: 'pickupAt', code: 'LOCATION_CLOSED', message: 'Pick-up at 2027-12-25T10:00: SAN is closed on 2027-12-25.' },
    ]);
    expect(problems('2027-12-24T10:00', '2027-12-27T10:00', closing)).toEqual([]);
  });

  it('reports every problem at once, each on its field', () => {
    expect(codes(problems('2027-01-31T04:00', '2027-01-30T04:00'))).toEqual([
      'pickupAt IN_THE_PAST',
      'pickupAt OUTSIDE_OPENING_HOURS',
      'returnAt RETURN_BEFORE_PICKUP',
      'returnAt OUTSIDE_OPENING_HOURS',
    ]);
  });
});
