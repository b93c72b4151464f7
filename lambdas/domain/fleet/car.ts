import type { Block } from './availability';
import type { CarType, LocationCode, PhotoContentType } from './catalog';
import type { RateCard } from './rate-card';

/** What an admin sends to create or replace a car (price already in minor units). */
export interface CarSpec {
  make: string;
  model: string;
  year: number;
  type: CarType;
  location: LocationCode;
  pricePerDayMinor: number;
  seats?: number;
  transmission?: string;
  fuel?: string;
  features?: string[];
}

export type CarStatus = 'active' | 'removed';

/** The stars a car is rated with (each review gives one): the scale of its rating totals below. */
export const MIN_RATING = 1;
export const MAX_RATING = 5;
export const STAR_VALUES = Array.from({ length: MAX_RATING - MIN_RATING + 1 }, (_, i) => MIN_RATING + i);

export interface Car extends CarSpec {
  carId: string;
  status: CarStatus;
  blocks: Block[];
  /** Counts changes to `blocks`: a move or removal is conditioned on it, so a booking in between stops it. */
  blocksVersion: number;
  /** S3 key of the first photo, so search results show one without reading the photo items. */
  coverPhotoKey?: string;
  /** Running totals the feedback capability adds to, so the average needs no read of the feedback table. */
  ratingCount: number;
  ratingTotal: number;
  /** How many visible reviews gave 1, 2, 3, 4 and 5 stars (index 0 is one star). */
  ratingStars: number[];
  /**
   * The car's own rate card (v2 pricing), set by PUT /v2/cars/{carId}/rates: it overrides its location's
   * card for its type (pricing/location-rules.ts, rateCardFor). Read with the car, search pages included.
   */
  rates?: RateCard;
  createdAt: string;
  updatedAt: string;
}

export interface Photo {
  photoId: string;
  key: string;
  contentType: PhotoContentType;
  createdAt: string;
  /** Its object was seen in the bucket: only then is it listed (an upload URL may never be used). */
  uploaded?: boolean;
}

/** A new car's rating totals: no reviews yet (the feedback capability adds to them). */
export const noRatings = (): Pick<Car, 'ratingCount' | 'ratingTotal' | 'ratingStars'> => ({
  ratingCount: 0,
  ratingTotal: 0,
  ratingStars: STAR_VALUES.map(() => 0),
});

export const averageRating = (car: Pick<Car, 'ratingCount' | 'ratingTotal'>): number | null =>
  car.ratingCount > 0 ? Math.round((car.ratingTotal / car.ratingCount) * 10) / 10 : null;
