import { randomUUID } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import type { FleetDeps } from '../../domain/fleet/ports';
import { clock } from '../../shared/clock';
import { env, tableName } from '../../shared/config';
import { traced } from '../../shared/observability';
import { ENV } from '../../shared/env-names';
import { documentClient } from '../dynamodb';
import { redisClient } from '../redis';
import { RedisFleetCache } from './cache';
import { DynamoCarRepository } from './car-repository';
import { S3MediaStore } from './media-store';
import { DynamoReservationsOfCar } from './reservations-of-car';

let s3: S3Client | undefined;
const s3Client = () => (s3 ??= traced(new S3Client({ forcePathStyle: env.flag(ENV.s3ForcePathStyle) })));

/**
 * The fleet use cases' dependencies from the function's environment. Each piece is built only when
 * used, so a function without the media bucket or the reservations table in its grants never needs
 * their variables.
 */
export const fleetDeps = (): FleetDeps => {
  const db = documentClient();
  let cars: DynamoCarRepository | undefined;
  let reservations: DynamoReservationsOfCar | undefined;
  let media: S3MediaStore | undefined;
  return {
    get cars() {
      return (cars ??= new DynamoCarRepository(db, tableName('cars')));
    },
    get reservations() {
      return (reservations ??= new DynamoReservationsOfCar(db, tableName('reservations')));
    },
    get media() {
      return (media ??= new S3MediaStore(s3Client(), env.required(ENV.carMediaBucket)));
    },
    cache: new RedisFleetCache(redisClient),
    clock,
    newId: () => randomUUID(),
  };
};
