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
 * Cache of search pages and car details. Best effort by contract: implementations never throw (a
 * cache that is down behaves as a miss), because DynamoDB can always answer.
 */
export interface FleetCache {
  /**
   * A cached page, and the generation to store a fresh page under: the location's, and with a `window`
   * the generations of the days it covers there (a change of some days leaves other days' pages valid).
   */
  lookupSearch(location: LocationCode, queryKey: string, window?: Interval): Promise<{ page?: SearchResultPage; generation?: string }>;
  storeSearch(location: LocationCode, queryKey: string, generation: string | undefined, page: SearchResultPage): Promise<void>;
  /**
   * Makes cached searches of the location unreachable: with `interval` (a hold, a booking, a block
   * that changed), those whose window overlaps its days; without, every one (a car added, moved, edited).
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
