import type * as z from '../../shared/zod';
import type { CarDetails, CarSummary } from '../../api/fleet-schemas';
import { averageRating, type Car, type CarSpec, type Photo } from '../../domain/fleet/car';
import { fromMinorUnits, toMinorUnits } from '../../domain/fleet/money';
import type { SortOrder } from '../../domain/fleet/cursor';
import type { PhotoUrl } from '../../adapters/fleet/photo-urls';
import type { CarBody } from '../../api/fleet-schemas';

/** Translation between the API's shapes (price as a decimal number, photo URLs) and the domain's. */

export const toCarSpec = ({ rentalPricePerDay, ...rest }: z.output<typeof CarBody>): CarSpec => ({
  ...rest,
  pricePerDayMinor: toMinorUnits(rentalPricePerDay),
});

export const presentCar = (car: Car, photoUrl: PhotoUrl): z.output<typeof CarSummary> => ({
  carId: car.carId,
  make: car.make,
  model: car.model,
  year: car.year,
  type: car.type,
  location: car.location,
  rentalPricePerDay: fromMinorUnits(car.pricePerDayMinor),
  ...(car.seats !== undefined ? { seats: car.seats } : {}),
  ...(car.transmission !== undefined ? { transmission: car.transmission as 'AUTOMATIC' | 'MANUAL' } : {}),
  ...(car.fuel !== undefined ? { fuel: car.fuel as 'PETROL' | 'DIESEL' | 'HYBRID' | 'ELECTRIC' } : {}),
  ...(car.features !== undefined ? { features: car.features } : {}),
  photoUrl: car.coverPhotoKey ? photoUrl(car.coverPhotoKey) : null,
  rating: { average: averageRating(car), count: car.ratingCount },
});

export const presentCarDetails = ({ car, photos }: { car: Car; photos: Photo[] }, photoUrl: PhotoUrl): z.output<typeof CarDetails> => ({
  ...presentCar(car, photoUrl),
  photos: photos.map((p) => ({ photoId: p.photoId, url: photoUrl(p.key), contentType: p.contentType })),
});

/** The filters and paging of a search, in both versions' queries, as the domain takes them. */
export const searchFiltersOf = (query: {
  type?: Car['type'];
  minPrice?: number;
  maxPrice?: number;
  sort: SortOrder;
  limit: number;
  cursor?: string;
}) => ({
  type: query.type,
  minPriceMinor: query.minPrice === undefined ? undefined : toMinorUnits(query.minPrice),
  maxPriceMinor: query.maxPrice === undefined ? undefined : toMinorUnits(query.maxPrice),
  sort: query.sort,
  limit: query.limit,
  cursor: query.cursor,
});
