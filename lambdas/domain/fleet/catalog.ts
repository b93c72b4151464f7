/**
 * The fleet's fixed vocabularies, declared once: the API schemas, the OpenAPI document, the search
 * index keys and the benchmark all take them from here.
 */

/** Car types (an enumeration: an unknown type is refused with the allowed values listed). */
export const CAR_TYPES = ['SEDAN', 'SUV', 'TRUCK', 'VAN', 'COMPACT', 'LUXURY', 'CONVERTIBLE', 'ELECTRIC'] as const;
export type CarType = (typeof CAR_TYPES)[number];

/**
 * Rental locations: IATA codes of the airports (and their cities) where cars are picked up. A car's
 * location must be one of these; adding a location is a code change on purpose (pricing, opening hours
 * and staffing come with it).
 */
export const LOCATIONS = [
  'ATL',
  'LAX',
  'ORD',
  'DFW',
  'DEN',
  'JFK',
  'SFO',
  'SEA',
  'LAS',
  'MCO',
  'EWR',
  'CLT',
  'PHX',
  'IAH',
  'MIA',
  'BOS',
  'MSP',
  'FLL',
  'DTW',
  'PHL',
  'LGA',
  'BWI',
  'SLC',
  'SAN',
  'IAD',
  'DCA',
  'MDW',
  'TPA',
  'PDX',
  'HNL',
  'DAL',
  'STL',
  'AUS',
  'BNA',
  'HOU',
  'OAK',
  'MSY',
  'RDU',
  'SJC',
  'SMF',
  'SNA',
  'MCI',
  'SAT',
  'RSW',
  'CLE',
  'IND',
  'PIT',
  'CMH',
  'CVG',
  'OGG',
  'JAX',
  'BDL',
  'ABQ',
  'ANC',
  'BUF',
  'OMA',
  'ONT',
  'BUR',
  'PBI',
  'CHS',
  'MKE',
  'RIC',
  'BOI',
  'OKC',
  'ELP',
  'TUS',
  'RNO',
  'SDF',
  'ORF',
  'GEG',
  'LGB',
  'MEM',
  'KOA',
  'LIH',
  'SAV',
  'TUL',
  'ALB',
  'PVD',
  'DSM',
  'GRR',
  'BHM',
  'ROC',
  'SYR',
  'LIT',
  'PWM',
  'ICT',
  'CAK',
  'MHT',
  'COS',
  'PSP',
  'MSN',
  'SRQ',
  'PNS',
  'MYR',
  'CHA',
  'XNA',
  'GSP',
  'HSV',
  'FAT',
  'BZN',
] as const;
export type LocationCode = (typeof LOCATIONS)[number];

/** Longest rental a search (and a booking) accepts, in days. */
export const MAX_RENTAL_DAYS = 30;
/** Oldest model year accepted; the newest is next year (models are sold ahead of their year). */
export const MIN_YEAR = 1990;
/** Highest daily price accepted, in currency units: a guard against typos that add zeros. */
export const MAX_PRICE_PER_DAY = 100_000;

export const TRANSMISSIONS = ['AUTOMATIC', 'MANUAL'] as const;
export const FUELS = ['PETROL', 'DIESEL', 'HYBRID', 'ELECTRIC'] as const;

/** Photo uploads: accepted content types, size cap and how long an upload URL stays valid. */
export const PHOTO_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoContentType = (typeof PHOTO_CONTENT_TYPES)[number];
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
const PHOTO_EXTENSIONS: Record<PhotoContentType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };
/** A photo object's file name, `<photoId>.<ext>`: the last part of a car's or a rental's photo key. */
export const photoFileName = (photoId: string, contentType: PhotoContentType): string => `${photoId}.${PHOTO_EXTENSIONS[contentType]}`;
export const PHOTO_UPLOAD_TTL_SECONDS = 300;
export const MAX_PHOTOS_PER_CAR = 20;
/** Every photo object's key starts with this (`cars/<carId>/<photoId>.<ext>`); the functions' S3 rights stop there. */
export const CAR_PHOTO_PREFIX = 'cars/';
