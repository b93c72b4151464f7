import type { LocationCode } from '../fleet/catalog';

/** Weekdays in `Date#getUTCDay` order (0 = Sunday), as the keys of opening hours. */
export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * A day's opening hours in local wall-clock time, `HH:MM`, `opens` before `closes`; `closes` may be
 * `24:00` (open until the end of the day). Pick-up and return are allowed from `opens` to `closes`
 * inclusive: a desk that closes at 23:00 still hands over a car booked for 23:00.
 */
export interface OpeningHours {
  opens: string;
  closes: string;
}

/** What v2 needs to know about a location to take, check and price a rental by the minute. */
export interface LocationProfile {
  code: LocationCode;
  /** IANA zone of the airport: the zone of every local time at this location. */
  timeZone: string;
  /** Per weekday; null = closed all day. */
  openingHours: Readonly<Record<Weekday, OpeningHours | null>>;
  /** Local dates (`YYYY-MM-DD`) the location is closed all day, whatever the weekday. */
  closedDates: readonly string[];
  /** How soon after now a rental may start. */
  minNoticeMinutes: number;
  /** Cleaning and checks after a return before the car can go out again. */
  turnaroundMinutes: number;
  /** A return this much past a whole number of days is not billed another day. */
  gracePeriodMinutes: number;
  currency: 'USD';
}

/** Every day the same hours. */
const daily = (opens: string, closes: string): Record<Weekday, OpeningHours> =>
  Object.fromEntries(WEEKDAYS.map((day) => [day, { opens, closes }])) as Record<Weekday, OpeningHours>;

/** The default: desks staffed 06:00-23:00 every day, no closed dates, one hour's notice and turnaround. */
const STANDARD = {
  openingHours: daily('06:00', '23:00'),
  closedDates: [],
  minNoticeMinutes: 60,
  turnaroundMinutes: 60,
  gracePeriodMinutes: 29,
  currency: 'USD',
} as const satisfies Omit<LocationProfile, 'code' | 'timeZone'>;

/** The busiest hubs keep a desk open around the clock. */
const ROUND_THE_CLOCK = new Set<LocationCode>(['ATL', 'LAX', 'ORD', 'DFW', 'DEN', 'JFK', 'LAS', 'MCO']);

/**
 * Each airport's IANA zone (typed by LocationCode, so a location added to the catalog without its zone
 * does not compile). Zones are the tz database's for the airport's county: PHX and TUS are Arizona
 * (no DST), DTW and GRR Michigan (America/Detroit), IND Indianapolis, SDF Louisville, BOI Boise, PNS the
 * Florida panhandle (Central), ELP El Paso (Mountain), CHA Chattanooga (Eastern), Hawaii no DST.
 */
const TIME_ZONES: Readonly<Record<LocationCode, string>> = {
  ATL: 'America/New_York',
  LAX: 'America/Los_Angeles',
  ORD: 'America/Chicago',
  DFW: 'America/Chicago',
  DEN: 'America/Denver',
  JFK: 'America/New_York',
  SFO: 'America/Los_Angeles',
  SEA: 'America/Los_Angeles',
  LAS: 'America/Los_Angeles',
  MCO: 'America/New_York',
  EWR: 'America/New_York',
  CLT: 'America/New_York',
  PHX: 'America/Phoenix',
  IAH: 'America/Chicago',
  MIA: 'America/New_York',
  BOS: 'America/New_York',
  MSP: 'America/Chicago',
  FLL: 'America/New_York',
  DTW: 'America/Detroit',
  PHL: 'America/New_York',
  LGA: 'America/New_York',
  BWI: 'America/New_York',
  SLC: 'America/Denver',
  SAN: 'America/Los_Angeles',
  IAD: 'America/New_York',
  DCA: 'America/New_York',
  MDW: 'America/Chicago',
  TPA: 'America/New_York',
  PDX: 'America/Los_Angeles',
  HNL: 'Pacific/Honolulu',
  DAL: 'America/Chicago',
  STL: 'America/Chicago',
  AUS: 'America/Chicago',
  BNA: 'America/Chicago',
  HOU: 'America/Chicago',
  OAK: 'America/Los_Angeles',
  MSY: 'America/Chicago',
  RDU: 'America/New_York',
  SJC: 'America/Los_Angeles',
  SMF: 'America/Los_Angeles',
  SNA: 'America/Los_Angeles',
  MCI: 'America/Chicago',
  SAT: 'America/Chicago',
  RSW: 'America/New_York',
  CLE: 'America/New_York',
  IND: 'America/Indiana/Indianapolis',
  PIT: 'America/New_York',
  CMH: 'America/New_York',
  CVG: 'America/New_York',
  OGG: 'Pacific/Honolulu',
  JAX: 'America/New_York',
  BDL: 'America/New_York',
  ABQ: 'America/Denver',
  ANC: 'America/Anchorage',
  BUF: 'America/New_York',
  OMA: 'America/Chicago',
  ONT: 'America/Los_Angeles',
  BUR: 'America/Los_Angeles',
  PBI: 'America/New_York',
  CHS: 'America/New_York',
  MKE: 'America/Chicago',
  RIC: 'America/New_York',
  BOI: 'America/Boise',
  OKC: 'America/Chicago',
  ELP: 'America/Denver',
  TUS: 'America/Phoenix',
  RNO: 'America/Los_Angeles',
  SDF: 'America/Kentucky/Louisville',
  ORF: 'America/New_York',
  GEG: 'America/Los_Angeles',
  LGB: 'America/Los_Angeles',
  MEM: 'America/Chicago',
  KOA: 'Pacific/Honolulu',
  LIH: 'Pacific/Honolulu',
  SAV: 'America/New_York',
  TUL: 'America/Chicago',
  ALB: 'America/New_York',
  PVD: 'America/New_York',
  DSM: 'America/Chicago',
  GRR: 'America/Detroit',
  BHM: 'America/Chicago',
  ROC: 'America/New_York',
  SYR: 'America/New_York',
  LIT: 'America/Chicago',
  PWM: 'America/New_York',
  ICT: 'America/Chicago',
  CAK: 'America/New_York',
  MHT: 'America/New_York',
  COS: 'America/Denver',
  PSP: 'America/Los_Angeles',
  MSN: 'America/Chicago',
  SRQ: 'America/New_York',
  PNS: 'America/Chicago',
  MYR: 'America/New_York',
  CHA: 'America/New_York',
  XNA: 'America/Chicago',
  GSP: 'America/New_York',
  HSV: 'America/Chicago',
  FAT: 'America/Los_Angeles',
  BZN: 'America/Denver',
};

/** Every location's profile, declared once: the standard terms, its zone, and round-the-clock hours at hubs. */
const profileOf = (code: LocationCode, timeZone: string): LocationProfile => ({
  ...STANDARD,
  code,
  timeZone,
  ...(ROUND_THE_CLOCK.has(code) ? { openingHours: daily('00:00', '24:00') } : {}),
});

/** Every location's profile, declared once: the standard terms, its zone, and round-the-clock hours at hubs. */
export const LOCATION_PROFILES = Object.fromEntries(
  (Object.entries(TIME_ZONES) as [LocationCode, string][]).map(([code, timeZone]) => [code, profileOf(code, timeZone)]),
) as Readonly<Record<LocationCode, LocationProfile>>;

export const locationProfile = (code: LocationCode): LocationProfile => LOCATION_PROFILES[code];
