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
const PRICE_DIGITS = 10;

export const shardOf = (carId: string): number => createHash('sha1').update(carId).digest().readUInt32BE(0) % SEARCH_SHARDS;

export const searchPartition = (location: LocationCode, shard: number): string => `${location}#${shard}`;
export const searchPartitions = (location: LocationCode): string[] =>
  Array.from({ length: SEARCH_SHARDS }, (_, shard) => searchPartition(location, shard));

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
  gsi1pk: searchPartition(car.location, shardOf(car.carId)),
  gsi1sk: searchSortKey(car.type, car.pricePerDayMinor, car.carId),
});
