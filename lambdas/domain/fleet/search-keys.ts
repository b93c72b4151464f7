import { createHash } from 'node:crypto';
import type { CarType, LocationCode } from './catalog';

/**
 * Keys of the `byLocation` search index. Partition: `<location>#<shard>`, where the shard is a stable
 * hash of the car id modulo SEARCH_SHARDS, so a busy location's writes spread over several partitions
 * (write sharding) while a search still knows exactly which partitions to Query. Sort:
 * `<TYPE>#<price in minor units, zero-padded>#<carId>`, so a type filter is a key prefix, a price
 * range a BETWEEN, and results come back ordered by price.
 */
export const SEARCH_SHARDS = 4;
/**
 * Locations busy enough to need more shards than SEARCH_SHARDS, sized by `npm run capacity` so that the
 * busiest location's index partitions stay under DynamoDB's per-partition write limit at the seed's peak
 * (docs/capacity.md). A search Queries every shard of its location, so a shard costs every search of it
 * a Query: only the busy ones get more. Changing a location's count moves its cars to other partitions:
 * their search keys must be rewritten (a one-off update of each car of that location).
 */
export const BUSY_LOCATION_SHARDS: Partial<Record<LocationCode, number>> = Object.fromEntries(
  // The ten busiest airports: at 8% of the seed's bookings, 4 shards take 1,725 WCU/s each, 16 take 431.
  (['ATL', 'LAX', 'ORD', 'DFW', 'DEN', 'JFK', 'SFO', 'SEA', 'LAS', 'MCO'] as const).map((code) => [code, 16]),
);
const PRICE_DIGITS = 10;

export const searchShardsOf = (location: LocationCode): number => BUSY_LOCATION_SHARDS[location] ?? SEARCH_SHARDS;

export const shardOf = (carId: string, location: LocationCode): number =>
  createHash('sha1').update(carId).digest().readUInt32BE(0) % searchShardsOf(location);

export const searchPartition = (location: LocationCode, shard: number): string => `${location}#${shard}`;
export const searchPartitions = (location: LocationCode): string[] =>
  Array.from({ length: searchShardsOf(location) }, (_, shard) => searchPartition(location, shard));

const paddedPrice = (minor: number): string => String(minor).padStart(PRICE_DIGITS, '0');

/** `<price>#<carId>`: the order search results come in whatever their type; also what a cursor records. */
export const pricePosition = (priceMinor: number, carId: string): string => `${paddedPrice(priceMinor)}#${carId}`;

/** The sort key of a car in the search index. */
export const searchSortKey = (type: CarType, priceMinor: number, carId: string): string => `${type}#${pricePosition(priceMinor, carId)}`;

/** Inclusive sort-key bounds for one type and an optional price range (`~` sorts after every id character). */
export const sortKeyRange = (type: CarType, minMinor?: number, maxMinor?: number): { from: string; to: string } => ({
  from: `${type}#${minMinor === undefined ? '' : paddedPrice(minMinor)}`,
  to: `${type}#${maxMinor === undefined ? '~' : `${paddedPrice(maxMinor)}#~`}`,
});

export const searchKeysOf = (car: { carId: string; type: CarType; location: LocationCode; pricePerDayMinor: number }) => ({
  gsi1pk: searchPartition(car.location, shardOf(car.carId, car.location)),
  gsi1sk: searchSortKey(car.type, car.pricePerDayMinor, car.carId),
});
