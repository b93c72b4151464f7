/**
 * Wall clocks of IANA time zones, from the runtime's own Intl (Node's full ICU carries the tz database,
 * so no zone data is bundled or hand-written). A wall-clock reading is kept as "wall ms": the epoch ms
 * the reading would be if it were UTC (`Date.UTC(y, m - 1, d, h, min)`), so wall readings can be
 * compared and subtracted like instants.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone (building one is the slow part); throws RangeError for an unknown zone. */
const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

/** The wall-clock reading of instant `ms` in `timeZone`, as wall ms (whole seconds). */
export const wallMsAt = (ms: number, timeZone: string): number => {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
};

/** The zone's offset from UTC at instant `ms`, in minutes (Los Angeles in winter: -480). */
export const offsetMinutesAt = (ms: number, timeZone: string): number => {
  const wholeSecond = Math.floor(ms / 1000) * 1000;
  return Math.round((wallMsAt(wholeSecond, timeZone) - wholeSecond) / MINUTE_MS);
};

/**
 * Every instant at which the zone's clock reads `wallMs`, earliest first: one instant usually, none in
 * a spring-forward gap, two in a fall-back overlap. The candidate offsets are the zone's offsets a day
 * either side (a zone changes offset at most once within two days), and a candidate counts only when
 * the zone's clock really reads `wallMs` at it.
 */
export const instantsAt = (wallMs: number, timeZone: string): number[] => {
  const offsets = new Set([offsetMinutesAt(wallMs - DAY_MS, timeZone), offsetMinutesAt(wallMs + DAY_MS, timeZone)]);
  return [...offsets]
    .map((offset) => wallMs - offset * MINUTE_MS)
    .filter((ms) => wallMsAt(ms, timeZone) === wallMs)
    .sort((a, b) => a - b);
};

/** `-08:00`, `+05:30`, `+00:00`. */
export const formatOffset = (offsetMinutes: number): string => {
  const abs = Math.abs(offsetMinutes);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
};

/** Wall ms as `YYYY-MM-DDTHH:MM:SS`. */
export const formatWall = (wallMs: number): string => new Date(wallMs).toISOString().slice(0, 19);
