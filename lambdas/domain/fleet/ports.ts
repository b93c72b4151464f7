import type { Block } from './availability';
import type { Interval } from './interval';
import type { Clock } from '../../shared/clock';
import type { OwnedClaim } from '../idempotency';
import type { LocationCode, PhotoContentType } from './catalog';
import type { Car, CarSpec, Photo } from './car';

/** What the fleet use cases need from the outside world; adapters implement these with AWS SDK calls. */

export interface SearchPageRequest {
  /** Index partition (`<location>#<shard>`). */
  partition: string;
  /** Inclusive sort-key bounds. */
  from: string;
  to: string;
  descending: boolean;
  limit: number;
  /** Opaque continuation from the previous page of this same request. */
  next?: unknown;
}

export type { OwnedClaim } from '../idempotency';

export interface SearchResultPage {
  cars: Car[];
  nextCursor?: string;
}

/**
 * A run of search candidates: the active cars of a search's filters at a location, in its order, after a
 * position, whatever their availability (their blocks are not kept: search reads calendars apart).
 * `more`: candidates follow the last one.
 */
export interface CandidateRun {
  cars: Car[];
  more: boolean;
}

export interface CarRepository {
  /** Writes the car and bumps its location's counter in one transaction. */
  /**
   * Adds the car (and counts it at its location). With a claim (an admin's Idempotency-Key), the claim is
   * written in the same transaction; a live claim means an earlier attempt: nothing is written and the
   * car that attempt made (and its fingerprint) is returned.
   */
  create(car: Car, claim?: OwnedClaim): Promise<{ created: true } | { created: false; carId: string; fingerprint: string }>;
  /** `consistent`: a strongly consistent read (what a booking decision is made on). */
  get(carId: string, consistent?: boolean): Promise<Car | undefined>;
  /** The car and its photos (one Query on the car's partition). */
  getWithPhotos(carId: string): Promise<{ car: Car; photos: Photo[] } | undefined>;
  /** Replaces the descriptive fields (never the blocks), moving the counters when the location changes. */
  update(previous: Car, spec: CarSpec, at: string): Promise<void>;
  /** Marks the car removed and takes it out of the search index; the item (its history) stays. */
  remove(car: Car, at: string): Promise<void>;
  locationCounts(): Promise<Map<string, number>>;
  searchPage(request: SearchPageRequest): Promise<{ cars: Car[]; next?: unknown }>;
  /** The cars' blocks, read strongly (a car that is gone has none): what search checks availability on. */
  calendars(carIds: readonly string[]): Promise<Map<string, Block[]>>;
  /**
   * Adds a photo item unless the car already has `max` (a conflict) or is not active (not found): the
   * car's photo counter moves in the same transaction, so concurrent uploads cannot pass the cap.
   * `seen`: how many photos the caller read, the counter's start for a car stored before it existed.
   * With a claim (an Idempotency-Key) that an earlier attempt holds, nothing is written and that
   * attempt's photo is returned (its fingerprint must match, else IDEMPOTENCY_MISMATCH).
   */
  addPhoto(carId: string, photo: Photo, cap: { max: number; seen: number }, claim?: OwnedClaim): Promise<Photo>;
  /** Deletes a photo item (and counts it off); returns it, or undefined when there was none. Keeps the cover photo valid. */
  deletePhoto(carId: string, photoId: string): Promise<Photo | undefined>;
  /** Marks a photo uploaded (its object exists) and makes it the cover if the car has none. */
  confirmPhoto(carId: string, photo: Photo): Promise<void>;
}

export interface UpcomingReservation {
  reservationId: string;
  startDate: string;
  endDate: string;
  /** A v2 booking's times. */
  pickupAt?: string;
  returnAt?: string;
  readyAt?: string;
  status: string;
}

/** A car's reservations that have not ended yet and hold the car (`holdsCar`), from the reservations table. */
export interface ReservationsOfCar {
  upcoming(carId: string, now: Date): Promise<UpcomingReservation[]>;
}

export interface PresignedUpload {
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: string;
}

export interface MediaStore {
  uploadUrl(key: string, contentType: PhotoContentType, contentLength: number): Promise<PresignedUpload>;
  /** Whether the object is there (a HEAD). */
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
}

/**
 * Cache of searches and car details. Best effort by contract: implementations never throw (a cache that
 * is down behaves as a miss), because DynamoDB can always answer.
 *
 * Searches are cached as `candidates` (the design): runs of candidate cars per location and filters,
 * which only fleet edits change (invalidateLocation), and each car's calendar apart, which only that
 * car's bookings and blocks change (calendarChanging / calendarChanged); availability is judged per
 * request. `pages` (whole result pages per window, invalidated per location or per day) is the former
 * design, kept so that bench:mixed can measure the two side by side.
 */
export interface FleetCache {
  readonly searchCaching: 'candidates' | 'pages';
  /** A cached run of candidates, and the location's generation to store a fresh run (and calendars) under. */
  lookupCandidates(location: LocationCode, runKey: string): Promise<{ run?: CandidateRun; generation?: string }>;
  storeCandidates(location: LocationCode, runKey: string, generation: string | undefined, run: CandidateRun): Promise<void>;
  /**
   * The cars' calendars: cached ones unless the car's calendar changed since, the others from `read`
   * (strong reads), stored for the next search when no change of the car was announced or made
   * meanwhile. `cached`: none needed `read`. Car edits leave calendars alone (a calendar is the car's
   * blocks, which only bookings and maintenance blocks change).
   */
  calendars(
    carIds: readonly string[],
    read: (carIds: readonly string[]) => Promise<Map<string, Block[]>>,
  ): Promise<{ calendars: Map<string, Block[]>; cached: boolean }>;
  /**
   * Before a write that may add a block to the car, over `interval`: until calendarChanged (or a short
   * while, should the writer die), searches judge the car on its cached calendar with `interval` taken
   * (or, without `interval` or a cached calendar, read it from DynamoDB) and store none, so none answered
   * after the write shows the car free for the time it took.
   */
  calendarChanging(carId: string, interval?: Interval): Promise<void>;
  /**
   * After a write of the car's calendar (or a decision that wrote nothing: no `interval`): the cached
   * calendar is replaced by the car's as read now, unless a writer's announcement is still on (that writer
   * does it after its own write). An announced writer reads it before its announcement ends, so the car
   * stays cached throughout. `interval`: the time whose availability changed (what the `pages`
   * design invalidates). `announced`: this writer announced its change (calendarChanging), which ends.
   */
  calendarChanged(location: LocationCode, carId: string, interval?: Interval, announced?: boolean): Promise<void>;
  /** `pages` only: a cached page, and the generation to store a fresh page under (the location's, and with a `window` its days'). */
  lookupSearch(location: LocationCode, queryKey: string, window?: Interval): Promise<{ page?: SearchResultPage; generation?: string }>;
  storeSearch(location: LocationCode, queryKey: string, generation: string | undefined, page: SearchResultPage): Promise<void>;
  /**
   * Makes everything cached for the location's searches unreachable (a car added, moved, edited, rated,
   * its photos or rates changed). With `interval` (`pages` with per-day generations): only the pages
   * whose window overlaps its days.
   */
  invalidateLocation(location: LocationCode, interval?: Interval): Promise<void>;
  /** Cached details, and the car's generation to store fresh details under (read before DynamoDB is). */
  lookupCar(carId: string): Promise<{ details?: { car: Car; photos: Photo[] }; generation?: string }>;
  storeCar(carId: string, generation: string | undefined, details: { car: Car; photos: Photo[] }): Promise<void>;
  /** Makes the car's cached details unreachable, including details being stored by a read in flight. */
  invalidateCar(carId: string): Promise<void>;
}

export interface FleetDeps {
  cars: CarRepository;
  reservations: ReservationsOfCar;
  media: MediaStore;
  cache: FleetCache;
  clock: Clock;
  newId: () => string;
}
