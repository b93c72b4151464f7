import { formatRentalTime, localDate, localDayStartMs, parseRentalTime } from '../../../lambdas/domain/rental-time';

const LA = 'America/Los_Angeles';
const PHX = 'America/Phoenix';

/** The instant a parse gives, as UTC ISO text (or the failure message). */
const parsed = (text: string, zone = LA) => {
  const result = parseRentalTime(text, zone);
  return result.ok ? new Date(result.ms).toISOString() : result.message;
};

describe('parseRentalTime', () => {
  it('reads a local time at the location, with or without :00 seconds', () => {
    expect(parsed('2027-03-01T10:00')).toBe('2027-03-01T18:00:00.000Z');
    expect(parsed('2027-03-01T10:00:00')).toBe('2027-03-01T18:00:00.000Z');
    expect(parsed('2027-07-01T10:00')).toBe('2027-07-01T17:00:00.000Z');
    expect(parsed('2027-07-01T10:00', PHX)).toBe('2027-07-01T17:00:00.000Z');
    expect(parsed('2027-01-01T10:00', PHX)).toBe('2027-01-01T17:00:00.000Z');
    expect(parsed('2027-07-01T10:00', 'Pacific/Honolulu')).toBe('2027-07-01T20:00:00.000Z');
  });

  it('accepts an offset that agrees with the zone and refuses one that does not', () => {
    expect(parsed('2027-03-01T10:00-08:00')).toBe('2027-03-01T18:00:00.000Z');
    expect(parsed('2027-03-01T10:00:00-08:00')).toBe('2027-03-01T18:00:00.000Z');
    expect(parsed('2027-07-01T10:00-07:00', PHX)).toBe('2027-07-01T17:00:00.000Z');
    expect(parsed('2027-03-01T10:00-07:00')).toBe(
      'The offset -07:00 does not match America/Los_Angeles at 2027-03-01T10:00, which is -08:00.',
    );
    // Z is UTC's offset: the local time given is not the location's unless the location is at UTC.
    expect(parsed('2027-03-01T18:00Z')).toBe('The offset Z does not match America/Los_Angeles at 2027-03-01T18:00, which is -08:00.');
    expect(parsed('2027-03-01T18:00Z', 'Etc/UTC')).toBe('2027-03-01T18:00:00.000Z');
    // Phoenix keeps standard time in summer, when the rest of Mountain time is -06:00.
    expect(parsed('2027-07-01T10:00-06:00', PHX)).toMatch(/does not match America\/Phoenix .* which is -07:00/);
  });

  it('refuses a local time the clocks skip (spring forward, 2027-03-14 02:00-03:00 in Los Angeles)', () => {
    expect(parsed('2027-03-14T01:59')).toBe('2027-03-14T09:59:00.000Z');
    expect(parsed('2027-03-14T02:00')).toBe(
      '2027-03-14T02:00 does not exist in America/Los_Angeles: the clocks skip it (daylight saving time starts).',
    );
    expect(parsed('2027-03-14T02:30')).toMatch(/does not exist/);
    expect(parsed('2027-03-14T02:30-08:00')).toMatch(/does not exist/);
    expect(parsed('2027-03-14T02:30-07:00')).toMatch(/does not exist/);
    expect(parsed('2027-03-14T03:00')).toBe('2027-03-14T10:00:00.000Z');
    // No gap where there is no daylight saving time.
    expect(parsed('2027-03-14T02:30', PHX)).toBe('2027-03-14T09:30:00.000Z');
  });

  it('takes the earlier of a repeated local time (fall back, 2027-11-07 01:00-02:00) unless the offset names the later', () => {
    expect(parsed('2027-11-07T01:30')).toBe('2027-11-07T08:30:00.000Z');
    expect(parsed('2027-11-07T01:30-07:00')).toBe('2027-11-07T08:30:00.000Z');
    expect(parsed('2027-11-07T01:30-08:00')).toBe('2027-11-07T09:30:00.000Z');
    expect(parsed('2027-11-07T01:30-05:00')).toBe(
      'The offset -05:00 does not match America/Los_Angeles at 2027-11-07T01:30, which is -07:00 or -08:00.',
    );
    expect(parsed('2027-11-07T02:00')).toBe('2027-11-07T10:00:00.000Z');
  });

  it.each([
    ['2027-03-01', /not a local date-time/],
    ['2027-03-01T10', /not a local date-time/],
    ['2027-03-01 10:00', /not a local date-time/],
    ['2027-03-01T10:00:00.000', /not a local date-time/],
    ['2027-03-01T10:00-0800', /not a local date-time/],
    ['27-03-01T10:00', /not a local date-time/],
    ['', /not a local date-time/],
    ['2027-03-01T10:00:30', /to the minute: the seconds in "2027-03-01T10:00:30" must be 00/],
    ['2027-02-29T10:00', /not a valid date and time/],
    ['2027-13-01T10:00', /not a valid date and time/],
    ['2027-03-01T24:00', /not a valid date and time/],
    ['2027-03-01T10:60', /not a valid date and time/],
    ['2027-03-01T10:00+24:00', /not a valid UTC offset/],
  ])('refuses %j', (text, message) => {
    expect(parsed(text)).toMatch(message);
  });

  it('reads 29 February in a leap year', () => {
    expect(parsed('2028-02-29T10:00')).toBe('2028-02-29T18:00:00.000Z');
  });
});

describe('formatRentalTime', () => {
  it("writes the location's local time with its offset at that instant", () => {
    expect(formatRentalTime(Date.parse('2027-03-01T18:00:00Z'), LA)).toBe('2027-03-01T10:00:00-08:00');
    expect(formatRentalTime(Date.parse('2027-07-01T17:00:00Z'), LA)).toBe('2027-07-01T10:00:00-07:00');
    expect(formatRentalTime(Date.parse('2027-07-01T17:00:00Z'), PHX)).toBe('2027-07-01T10:00:00-07:00');
    expect(formatRentalTime(Date.parse('2027-07-01T08:00:00Z'), 'America/Anchorage')).toBe('2027-07-01T00:00:00-08:00');
    expect(formatRentalTime(Date.parse('2027-03-01T18:00:00Z'), 'Etc/UTC')).toBe('2027-03-01T18:00:00+00:00');
  });

  it('tells the two 01:30s of a fall-back night apart by their offsets, and they read back as the same instants', () => {
    const first = Date.parse('2027-11-07T08:30:00Z');
    const second = Date.parse('2027-11-07T09:30:00Z');
    expect([formatRentalTime(first, LA), formatRentalTime(second, LA)]).toEqual(['2027-11-07T01:30:00-07:00', '2027-11-07T01:30:00-08:00']);
    expect(parseRentalTime(formatRentalTime(second, LA), LA)).toEqual({ ok: true, ms: second });
  });

  it('round-trips every 5 minutes of the DST days (the changes are on the hour)', () => {
    for (const day of ['2027-03-14', '2027-11-07']) {
      const start = localDayStartMs(day, LA);
      for (let ms = start - 3_600_000; ms < start + 27 * 3_600_000; ms += 5 * 60_000) {
        expect(parseRentalTime(formatRentalTime(ms, LA), LA)).toEqual({ ok: true, ms });
      }
    }
  });
});

describe('localDayStartMs and localDate', () => {
  it('is local midnight, whatever the offset that day', () => {
    expect(new Date(localDayStartMs('2027-03-01', LA)).toISOString()).toBe('2027-03-01T08:00:00.000Z');
    expect(new Date(localDayStartMs('2027-03-14', LA)).toISOString()).toBe('2027-03-14T08:00:00.000Z');
    expect(new Date(localDayStartMs('2027-03-15', LA)).toISOString()).toBe('2027-03-15T07:00:00.000Z');
    expect(new Date(localDayStartMs('2027-11-07', LA)).toISOString()).toBe('2027-11-07T07:00:00.000Z');
    expect(new Date(localDayStartMs('2027-11-08', LA)).toISOString()).toBe('2027-11-08T08:00:00.000Z');
    expect(new Date(localDayStartMs('2027-07-01', PHX)).toISOString()).toBe('2027-07-01T07:00:00.000Z');
    expect(new Date(localDayStartMs('2027-07-01', 'Pacific/Honolulu')).toISOString()).toBe('2027-07-01T10:00:00.000Z');
  });

  it('is the end of the gap where a zone skips midnight (Santiago springs forward at 00:00)', () => {
    expect(formatRentalTime(localDayStartMs('2027-09-05', 'America/Santiago'), 'America/Santiago')).toBe('2027-09-05T01:00:00-03:00');
    expect(formatRentalTime(localDayStartMs('2027-09-05', 'America/Santiago') - 60_000, 'America/Santiago')).toBe(
      '2027-09-04T23:59:00-04:00',
    );
  });

  it("gives each instant's local date", () => {
    expect(localDate(localDayStartMs('2027-11-07', LA), LA)).toBe('2027-11-07');
    expect(localDate(localDayStartMs('2027-11-07', LA) - 1, LA)).toBe('2027-11-06');
  });

  it('refuses a malformed date', () => {
    expect(() => localDayStartMs('2027-02-30', LA)).toThrow(RangeError);
    expect(() => localDayStartMs('2027-3-1', LA)).toThrow(RangeError);
  });
});
