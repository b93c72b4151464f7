import { DAY_MS, MINUTE_MS, formatOffset, formatWall, instantsAt, offsetMinutesAt, wallMsAt } from './zone-clock';

/**
 * v2's times: ISO 8601 local date-times at the location, to the minute (`2027-03-01T10:00`, `:00`
 * seconds allowed), optionally with an offset (`-08:00` or `Z`) that must be the zone's offset at
 * that local time. A local time that the zone skips (spring forward) is refused; one it reads twice
 * (fall back) is the earlier instant unless the offset names the later one.
 */
export type ParsedTime = { ok: true; ms: number } | { ok: false; message: string };

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Wall ms of a calendar date and time, or undefined when a field is out of range (2027-02-30, 24:00). */
const wallMsOf = (y: number, mo: number, d: number, h = 0, mi = 0): number | undefined => {
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const back = new Date(wall);
  const same = back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d;
  return same && h < 24 && mi < 60 ? wall : undefined;
};

/** `Z` or `±HH:MM` as minutes east of UTC, or undefined when out of range. */
const offsetOf = (text: string): number | undefined => {
  if (text === 'Z') return 0;
  const [h, m] = text.slice(1).split(':').map(Number);
  if (h > 23 || m > 59) return undefined;
  return (text.startsWith('-') ? -1 : 1) * (h * 60 + m);
};

export const parseRentalTime = (text: string, timeZone: string): ParsedTime => {
  const match = LOCAL_TIME.exec(text);
  if (!match) {
    return { ok: false, message: `"${text}" is not a local date-time like 2027-03-01T10:00 (optionally with an offset like -08:00).` };
  }
  const [, y, mo, d, h, mi, s, offsetText] = match;
  if (s !== undefined && s !== '00') return { ok: false, message: `Times are to the minute: the seconds in "${text}" must be 00.` };
  const wall = wallMsOf(Number(y), Number(mo), Number(d), Number(h), Number(mi));
  if (wall === undefined) return { ok: false, message: `"${text}" is not a valid date and time.` };
  const local = `${y}-${mo}-${d}T${h}:${mi}`;
  const instants = instantsAt(wall, timeZone);
  if (instants.length === 0) {
    return { ok: false, message: `${local} does not exist in ${timeZone}: the clocks skip it (daylight saving time starts).` };
  }
  if (offsetText === undefined) return { ok: true, ms: instants[0] };
  const offset = offsetOf(offsetText);
  if (offset === undefined) return { ok: false, message: `"${offsetText}" is not a valid UTC offset.` };
  const ms = instants.find((instant) => offsetMinutesAt(instant, timeZone) === offset);
  if (ms === undefined) {
    const expected = instants.map((instant) => formatOffset(offsetMinutesAt(instant, timeZone))).join(' or ');
    return { ok: false, message: `The offset ${offsetText} does not match ${timeZone} at ${local}, which is ${expected}.` };
  }
  return { ok: true, ms };
};

/** An instant as the location's local date-time with its offset: `2027-03-01T10:00:00-08:00`. */
export const formatRentalTime = (ms: number, timeZone: string): string =>
  `${formatWall(wallMsAt(ms, timeZone))}${formatOffset(offsetMinutesAt(ms, timeZone))}`;

/** An instant's local calendar date at the location, `YYYY-MM-DD`. */
export const localDate = (ms: number, timeZone: string): string => formatWall(wallMsAt(ms, timeZone)).slice(0, 10);

/**
 * The first instant of a local calendar day: local midnight, or where a zone skips midnight (some
 * zones start daylight saving time at 00:00; no US zone does) the first instant after the gap.
 * Throws RangeError for a malformed date: callers pass dates their schemas already checked.
 */
export const localDayStartMs = (date: string, timeZone: string): number => {
  const match = ISO_DATE.exec(date);
  const wall = match ? wallMsOf(Number(match[1]), Number(match[2]), Number(match[3])) : undefined;
  if (wall === undefined) throw new RangeError(`Not a calendar date: ${date}`);
  const instants = instantsAt(wall, timeZone);
  if (instants.length > 0) return instants[0];
  // Midnight is in a gap: the day starts at the transition, the first instant whose local date is `date`.
  // Search by minute between the instants midnight would be at either offset: `lo` reads before
  // midnight (the old offset), `hi` after it (the new one), and the transition lies between.
  let lo = Math.floor((wall - offsetMinutesAt(wall + DAY_MS, timeZone) * MINUTE_MS) / MINUTE_MS);
  let hi = Math.ceil((wall - offsetMinutesAt(wall - DAY_MS, timeZone) * MINUTE_MS) / MINUTE_MS);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallMsAt(mid * MINUTE_MS, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi * MINUTE_MS;
};
