import { tableName } from '../../shared/config';
import { documentClient } from '../dynamodb';
import { DynamoCarRepository } from './car-repository';

/**
 * The fleet's adapters, one factory per backing service, each built once per function instance. A
 * handler imports only the factories its capability's `uses` allows (an infra test checks the bundles),
 * so a function that never touches S3 or Redis never loads their clients: the media store is in
 * `./media`, the Redis-backed pieces in `adapters/redis-backed.ts`.
 */
let cars: DynamoCarRepository | undefined;
export const carRepository = (): DynamoCarRepository => (cars ??= new DynamoCarRepository(documentClient(), tableName('cars')));
