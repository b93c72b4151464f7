import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { pruneBlocks, type Block } from '../../domain/fleet/availability';
import type { LocationCode } from '../../domain/fleet/catalog';
import type { Car, CarSpec, Photo } from '../../domain/fleet/car';
import type { CarRepository, SearchPageRequest } from '../../domain/fleet/ports';
import { todayUtc } from '../../domain/fleet/period';
import { searchKeysOf } from '../../domain/fleet/search-keys';
import { conflict, notFound } from '../../shared/errors';
import { tables } from '../../shared/tables';
import { queryAll } from '../dynamodb';

/**
 * The cars table (see lambdas/shared/tables.ts):
 *   car      pk CAR#<carId>  sk CAR            + gsi1pk/gsi1sk while active (the sparse search index)
 *   photo    pk CAR#<carId>  sk PHOTO#<photoId>
 *   counter  pk LOCATIONS    sk <code>         activeCars, changed in the same transaction as the car
 */
const carKey = (carId: string) => ({ pk: `CAR#${carId}`, sk: 'CAR' });
const photoKey = (carId: string, photoId: string) => ({ pk: `CAR#${carId}`, sk: `PHOTO#${photoId}` });
const COUNTERS_PK = 'LOCATIONS';
const SEARCH_INDEX = tables.cars.indexes.find((i) => i.name === 'byLocation')!.name;

const CAR_FIELDS = [
  'carId', 'make', 'model', 'year', 'type', 'location', 'pricePerDayMinor', 'seats', 'transmission', 'fuel', 'features',
  'status', 'blocks', 'coverPhotoKey', 'ratingCount', 'ratingTotal', 'createdAt', 'updatedAt',
] as const;

const toCar = (item: Record<string, unknown>): Car => {
  const car = Object.fromEntries(CAR_FIELDS.filter((f) => item[f] !== undefined).map((f) => [f, item[f]])) as unknown as Car;
  car.blocks ??= [];
  car.ratingCount ??= 0;
  car.ratingTotal ??= 0;
  return car;
};

const toPhoto = (item: Record<string, unknown>): Photo => ({
  photoId: item.photoId as string,
  key: item.key as string,
  contentType: item.contentType as Photo['contentType'],
  createdAt: item.createdAt as string,
});

const SPEC_FIELDS = ['make', 'model', 'year', 'type', 'location', 'pricePerDayMinor', 'seats', 'transmission', 'fuel', 'features'] as const;

const wasConditionFailure = (err: unknown) =>
  (err as Error).name === 'ConditionalCheckFailedException' ||
  (err instanceof TransactionCanceledException && (err.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed'));

export class DynamoCarRepository implements CarRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private counter(location: string, delta: number) {
    return {
      Update: {
        TableName: this.tableName,
        Key: { pk: COUNTERS_PK, sk: location },
        UpdateExpression: 'ADD activeCars :d',
        ExpressionAttributeValues: { ':d': delta },
      },
    };
  }

  /** Every item of one table partition (a car with its photos, or the location counters). */
  private partition(pk: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.db, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } });
  }

  /** An Update of a car item that only applies while the car is active (plus any extra condition). */
  private activeCarUpdate(carId: string, update: string, values: Record<string, unknown>, names: Record<string, string> = {}, extraCondition = '') {
    return {
      Update: {
        TableName: this.tableName,
        Key: carKey(carId),
        UpdateExpression: update,
        ConditionExpression: `#status = :active${extraCondition}`,
        ExpressionAttributeNames: { ...names, '#status': 'status' },
        ExpressionAttributeValues: { ...values, ':active': 'active' },
      },
    };
  }

  /** One transaction; a failed condition becomes the domain error `onConflict` makes. */
  private async transact(items: NonNullable<TransactWriteCommandInput['TransactItems']>, onConflict: () => Error) {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (err) {
      throw wasConditionFailure(err) ? onConflict() : err;
    }
  }

  async create(car: Car): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: { ...carKey(car.carId), ...car, ...searchKeysOf(car), blocksVersion: 0 },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          this.counter(car.location, 1),
        ],
      }),
    );
  }

  async get(carId: string): Promise<Car | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: carKey(carId) }));
    return res.Item ? toCar(res.Item) : undefined;
  }

  async getWithPhotos(carId: string): Promise<{ car: Car; photos: Photo[] } | undefined> {
    const items = await this.partition(`CAR#${carId}`);
    const carItem = items.find((i) => i.sk === 'CAR');
    if (!carItem) return undefined;
    const photos = items.filter((i) => String(i.sk).startsWith('PHOTO#')).map(toPhoto);
    return { car: toCar(carItem), photos: photos.sort((a, b) => a.createdAt.localeCompare(b.createdAt)) };
  }

  async update(previous: Car, spec: CarSpec, at: string): Promise<void> {
    const values: Record<string, unknown> = { ':at': at, ':was': previous.location };
    const sets = ['updatedAt = :at', 'gsi1pk = :gsi1pk', 'gsi1sk = :gsi1sk'];
    const removes: string[] = [];
    const names: Record<string, string> = {};
    for (const field of SPEC_FIELDS) {
      names[`#${field}`] = field;
      if (spec[field] === undefined) removes.push(`#${field}`);
      else {
        sets.push(`#${field} = :${field}`);
        values[`:${field}`] = spec[field];
      }
    }
    const keys = searchKeysOf({ ...spec, carId: previous.carId });
    values[':gsi1pk'] = keys.gsi1pk;
    values[':gsi1sk'] = keys.gsi1sk;
    const moved = previous.location !== spec.location;
    await this.transact(
      [
        // The location condition guards against a concurrent move between our read and this write.
        this.activeCarUpdate(
          previous.carId,
          `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          values,
          names,
          ' AND #location = :was',
        ),
        ...(moved ? [this.counter(previous.location, -1), this.counter(spec.location, 1)] : []),
      ],
      () => conflict('The car was changed or removed meanwhile; read it again and retry.'),
    );
  }

  async remove(car: Car, at: string): Promise<void> {
    await this.transact(
      [
        this.activeCarUpdate(car.carId, 'SET #status = :removed, updatedAt = :at REMOVE gsi1pk, gsi1sk', { ':removed': 'removed', ':at': at }),
        this.counter(car.location, -1),
      ],
      () => notFound(`Car ${car.carId}`),
    );
  }

  async locationCounts(): Promise<Map<string, number>> {
    const items = await this.partition(COUNTERS_PK);
    return new Map(items.map((item) => [item.sk as string, Number(item.activeCars ?? 0)]));
  }

  async searchPage(request: SearchPageRequest): Promise<{ cars: Car[]; next?: unknown }> {
    const res = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: SEARCH_INDEX,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': request.partition, ':from': request.from, ':to': request.to },
        ScanIndexForward: !request.descending,
        Limit: request.limit,
        ExclusiveStartKey: request.next as Record<string, unknown> | undefined,
      }),
    );
    return { cars: (res.Items ?? []).map(toCar), next: res.LastEvaluatedKey };
  }

  async addPhoto(carId: string, photo: Photo): Promise<void> {
    await this.transact(
      [
        this.activeCarUpdate(carId, 'SET coverPhotoKey = if_not_exists(coverPhotoKey, :key)', { ':key': photo.key }),
        { Put: { TableName: this.tableName, Item: { ...photoKey(carId, photo.photoId), ...photo } } },
      ],
      () => notFound(`Car ${carId}`),
    );
  }

  async deletePhoto(carId: string, photoId: string): Promise<Photo | undefined> {
    const res = await this.db.send(
      new DeleteCommand({ TableName: this.tableName, Key: photoKey(carId, photoId), ReturnValues: 'ALL_OLD' }),
    );
    if (!res.Attributes) return undefined;
    const removed = toPhoto(res.Attributes);
    // Keep the cover pointing at a photo that exists: the oldest remaining one, or none.
    const remaining = (await this.getWithPhotos(carId))?.photos ?? [];
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: carKey(carId),
        UpdateExpression: remaining.length ? 'SET coverPhotoKey = :next' : 'REMOVE coverPhotoKey',
        ConditionExpression: 'coverPhotoKey = :removed',
        ExpressionAttributeValues: { ':removed': removed.key, ...(remaining.length ? { ':next': remaining[0].key } : {}) },
      }),
    ).catch((err: Error) => {
      if (!wasConditionFailure(err)) throw err; // it was not the cover: nothing to do
    });
    return removed;
  }

  async addBlock(carId: string, block: Block): Promise<LocationCode | undefined> {
    try {
      const res = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: carKey(carId),
          UpdateExpression: 'SET blocks = list_append(if_not_exists(blocks, :none), :block) ADD blocksVersion :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':none': [], ':block': [block], ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return res.Attributes?.location as LocationCode;
    } catch (err) {
      if (wasConditionFailure(err)) return undefined;
      throw err;
    }
  }

  /** Read-modify-write guarded by blocksVersion, retried when a concurrent change won the race. */
  async removeBlocks(carId: string, reservationId: string, now: Date): Promise<LocationCode | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: carKey(carId), ConsistentRead: true }));
      if (!res.Item) return undefined;
      const blocks = (res.Item.blocks ?? []) as Block[];
      const kept = pruneBlocks(
        blocks.filter((b) => b.reservationId !== reservationId),
        todayUtc(now),
        now.getTime(),
      );
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: carKey(carId),
            UpdateExpression: 'SET blocks = :kept, blocksVersion = :next',
            ConditionExpression: 'attribute_not_exists(blocksVersion) OR blocksVersion = :version',
            ExpressionAttributeValues: { ':kept': kept, ':version': res.Item.blocksVersion ?? 0, ':next': Number(res.Item.blocksVersion ?? 0) + 1 },
          }),
        );
        return res.Item.location as LocationCode;
      } catch (err) {
        if (!wasConditionFailure(err)) throw err;
      }
    }
    throw conflict('The car’s availability is changing too fast; retry.');
  }
}
