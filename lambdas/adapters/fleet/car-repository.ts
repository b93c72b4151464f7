import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { endedBlocks, type Block } from '../../domain/fleet/availability';
import type { LocationCode } from '../../domain/fleet/catalog';
import { STAR_VALUES, type Car, type CarSpec, type Photo } from '../../domain/fleet/car';
import type { CarRepository, OwnedClaim, SearchPageRequest } from '../../domain/fleet/ports';
import { searchKeysOf } from '../../domain/fleet/search-keys';
import { AppError, conflict, notFound } from '../../shared/errors';
import { tables } from '../../shared/tables';
import { keyReused } from '../../domain/idempotency';
import { calendarClause } from '../calendar-clause';
import { claimPut } from '../claims';
import { conditionalWrite, transactWrite, type TransactItem } from '../dynamo-conflicts';
import { getInOrder, queryAll } from '../dynamodb';
import { fromStoredRateCard } from './rate-card-item';
import { toBlock, toStoredBlock, type StoredBlock } from './stored-block';

/**
 * The cars table (see lambdas/shared/tables.ts):
 *   car      pk CAR#<carId>  sk CAR            + gsi1pk/gsi1sk while active (the sparse search index);
 *                                              `blocks` is a map <reservation or block id> -> block, so a
 *                                              transaction adds or removes one with a single clause, and
 *                                              `blocksVersion` counts those changes (moves and removals
 *                                              are conditioned on it).
 *   photo    pk CAR#<carId>  sk PHOTO#<photoId>   (the car's `photoCount` moves in the same transaction)
 *   counter  pk LOCATIONS    sk <code>         activeCars, changed in the same transaction as the car
 *   claim    pk CLAIM#<admin>#<key> sk CLAIM   an Idempotency-Key of a car creation (carId) or a photo upload
 *                                              (photoId, photoKey, contentType): fingerprint, claimUntil
 *
 * The car's own rate card is `rates` (short form: rate-card-item.ts) with `ratesVersion`,
 * written by the pricing adapter alone (adapters/pricing/pricing-rules.ts); no write here touches them.
 *
 * The car's rating totals are top-level numbers (ratingCount, ratingTotal, stars1..stars5) that the
 * rating aggregator moves with ADD, so it never reads or rewrites the rest of the item
 * (adapters/feedback/rating-ledger.ts).
 */
/** The car attribute counting the reviews that gave `stars` stars. */
export const starsAttribute = (stars: number): string => `stars${stars}`;
/** The car item's key (the pricing adapter writes its rate card there too). */
export const carKey = (carId: string) => ({ pk: `CAR#${carId}`, sk: 'CAR' });
const photoKey = (carId: string, photoId: string) => ({ pk: `CAR#${carId}`, sk: `PHOTO#${photoId}` });
/** An admin's Idempotency-Key claim (a car creation, a photo upload). */
const carClaimKey = (owner: string, key: string) => ({ pk: `CLAIM#${owner}#${key}`, sk: 'CLAIM' });
const COUNTERS_PK = 'LOCATIONS';
const SEARCH_INDEX = tables.cars.indexes.find((i) => i.name === 'byLocation')!.name;

const CAR_FIELDS = [
  'carId',
  'make',
  'model',
  'year',
  'type',
  'location',
  'pricePerDayMinor',
  'seats',
  'transmission',
  'fuel',
  'features',
  'status',
  'blocks',
  'coverPhotoKey',
  'ratingCount',
  'ratingTotal',
  'createdAt',
  'updatedAt',
] as const;

// The blocks' stored forms live apart, so the fleet cache stores calendars in the same short form
// without loading this repository (and its SDK commands).
export { toBlock, toStoredBlock };

const toCar = (item: Record<string, unknown>): Car => {
  const car = Object.fromEntries(CAR_FIELDS.filter((f) => item[f] !== undefined).map((f) => [f, item[f]])) as unknown as Car;
  const stored = (item.blocks ?? {}) as Record<string, StoredBlock>;
  car.blocks = Object.entries(stored).map(([id, block]) => toBlock(id, block));
  car.blocksVersion = Number(item.blocksVersion ?? 0);
  car.ratingCount ??= 0;
  car.ratingTotal ??= 0;
  car.ratingStars = STAR_VALUES.map((n) => Number(item[starsAttribute(n)] ?? 0));
  const rates = fromStoredRateCard(item.rates);
  if (rates) car.rates = rates;
  return car;
};

const toPhoto = (item: Record<string, unknown>): Photo => ({
  photoId: item.photoId as string,
  key: item.key as string,
  contentType: item.contentType as Photo['contentType'],
  createdAt: item.createdAt as string,
  ...(item.uploaded ? { uploaded: true } : {}),
});

const SPEC_FIELDS = ['make', 'model', 'year', 'type', 'location', 'pricePerDayMinor', 'seats', 'transmission', 'fuel', 'features'] as const;

/** What a transaction does to a car's blocks: one block set or removed, ended ones dropped on the way. */
export interface BlockChange {
  set?: Block;
  remove?: string;
  /** The car must be active and at this location (the one a reservation was priced for). */
  activeAt?: LocationCode;
  /**
   * Optimistic locking: the car as read. The write lands only while the car's calendar is still the one
   * read (its `blocksVersion`), so a decision made on those blocks cannot land on others; and it drops
   * the blocks that had ended in that read (never without the condition: a hold that looked lapsed may
   * have been paid for since).
   */
  unchangedSince?: Car;
  /** The block being set must still be there (a hold being confirmed: a lapsed one may have been dropped). */
  stillThere?: true;
  /**
   * The car moves to this location in the same write (a one-way rental returned there): its location and
   * search keys; it must be active at `from`. The location counters go with `moveCounters`.
   */
  moveTo?: { from: LocationCode; car: Pick<Car, 'carId' | 'type' | 'pricePerDayMinor'>; to: LocationCode };
  now: Date;
}

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
  private activeCarUpdate(
    carId: string,
    update: string,
    values: Record<string, unknown>,
    names: Record<string, string> = {},
    extraCondition = '',
  ) {
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

  /** One transaction (conflicts retried); a failed condition becomes the domain error `onConflict` makes. */
  private async transact(items: TransactItem[], onConflict: () => Error) {
    if (await transactWrite(this.db, items)) throw onConflict();
  }

  /**
   * The clause of a TransactWriteItems that changes one block of a car: `SET blocks.#id` or
   * `REMOVE blocks.#id`, plus `REMOVE` of the ended blocks of the car as seen, so the map stays small
   * without a read-modify-write. Cache invalidation is the caller's step after the commit.
   */
  blockClause(carId: string, change: BlockChange): TransactItem {
    const now = change.now.getTime();
    return calendarClause(this.tableName, carKey(carId), {
      ...(change.set ? { set: { id: change.set.id, stored: toStoredBlock(change.set) } } : {}),
      ...(change.remove ? { remove: change.remove } : {}),
      ...(change.unchangedSince
        ? {
            unchangedSince: {
              version: change.unchangedSince.blocksVersion,
              ended: endedBlocks(change.unchangedSince.blocks, now).map((b) => b.id),
            },
          }
        : {}),
      ...(change.stillThere ? { stillThere: true as const } : {}),
      ...(change.activeAt || change.moveTo
        ? {
            also: {
              expression: '#status = :active AND #location = :at',
              names: { '#status': 'status', '#location': 'location' },
              values: { ':active': 'active', ':at': change.moveTo?.from ?? change.activeAt, ...this.moveValues(change) },
              ...(change.moveTo ? { sets: ['#location = :to', 'gsi1pk = :gsi1pk', 'gsi1sk = :gsi1sk'] } : {}),
            },
          }
        : {}),
    });
  }

  private moveValues(change: BlockChange): Record<string, unknown> {
    if (!change.moveTo) return {};
    const keys = searchKeysOf({ ...change.moveTo.car, location: change.moveTo.to });
    return { ':to': change.moveTo.to, ':gsi1pk': keys.gsi1pk, ':gsi1sk': keys.gsi1sk };
  }

  /** The location counters' side of a car's move (a transaction's clauses, with the car's own write). */
  moveCounters(from: LocationCode, to: LocationCode): TransactItem[] {
    return [this.counter(from, -1), this.counter(to, 1)];
  }

  async create(car: Car, claim?: OwnedClaim): Promise<{ created: true } | { created: false; carId: string; fingerprint: string }> {
    // A new car has no rate card yet: its rates are the pricing adapter's to write (short form).
    const { blocks: _none, blocksVersion: _zero, ratingStars: _stars, rates: _rates, ...fields } = car;
    const key = claim && carClaimKey(claim.owner, claim.key);
    const refused = await transactWrite(this.db, [
      {
        Put: {
          TableName: this.tableName,
          // An empty map, so block clauses can SET blocks.#id from the first booking on.
          Item: { ...carKey(car.carId), ...fields, ...searchKeysOf(car), blocks: {}, blocksVersion: 0 },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      this.counter(car.location, 1),
      ...(claim && key ? [claimPut(this.tableName, key, { carId: car.carId }, claim, Date.parse(car.createdAt))] : []),
    ]);
    if (!refused) return { created: true };
    // Car ids are fresh UUIDs, so only the key's claim can refuse: it names the car an earlier attempt
    // made (read strongly: same transaction).
    if (!key) throw conflict(`Car ${car.carId} exists already.`);
    const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    if (!res.Item) return this.create(car, claim); // it lapsed meanwhile: claim afresh
    return { created: false, carId: String(res.Item.carId), fingerprint: String(res.Item.fingerprint) };
  }

  /** `consistent`: read strongly (the calendar a hold is decided on). */
  async get(carId: string, consistent = false): Promise<Car | undefined> {
    const res = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: carKey(carId), ...(consistent ? { ConsistentRead: true } : {}) }),
    );
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
    // The location condition guards against a concurrent move between our read and this write; on a
    // move, the blocks version against a booking that landed after the upcoming-reservations check.
    if (moved) values[':seenVersion'] = previous.blocksVersion;
    await this.transact(
      [
        this.activeCarUpdate(
          previous.carId,
          `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          values,
          names,
          ` AND #location = :was${moved ? ' AND blocksVersion = :seenVersion' : ''}`,
        ),
        ...(moved ? [this.counter(previous.location, -1), this.counter(spec.location, 1)] : []),
      ],
      () => conflict('The car was changed or removed meanwhile; read it again and retry.'),
    );
  }

  async remove(car: Car, at: string): Promise<void> {
    await this.transact(
      [
        // The blocks version: a booking that landed after the upcoming-reservations check stops the removal.
        this.activeCarUpdate(
          car.carId,
          'SET #status = :removed, updatedAt = :at REMOVE gsi1pk, gsi1sk',
          { ':removed': 'removed', ':at': at, ':seenVersion': car.blocksVersion },
          {},
          ' AND blocksVersion = :seenVersion',
        ),
        this.counter(car.location, -1),
      ],
      () => conflict('The car was changed, booked or removed meanwhile; read it again and retry.'),
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

  async calendars(carIds: readonly string[]): Promise<Map<string, Block[]>> {
    const items = await getInOrder(this.db, this.tableName, carIds.map(carKey));
    const found = new Map(items.map((item) => [String(item.carId), toCar(item).blocks]));
    return new Map(carIds.map((carId) => [carId, found.get(carId) ?? []]));
  }

  async addPhoto(carId: string, photo: Photo, cap: { max: number; seen: number }, claim?: OwnedClaim): Promise<Photo> {
    const full = () => conflict(`A car has at most ${cap.max} photos.`);
    const nowMs = Date.parse(photo.createdAt);
    const key = claim && carClaimKey(claim.owner, claim.key);
    try {
      await this.transact(
        [
          // The cap is a condition on the counter, so of two uploads racing for the last place one fails.
          this.activeCarUpdate(
            carId,
            // The cover is set when the photo is confirmed uploaded (confirmPhoto), never to a missing object.
            'SET photoCount = if_not_exists(photoCount, :seen) + :one',
            { ':seen': cap.seen, ':one': 1, ':max': cap.max },
            {},
            ' AND (photoCount < :max OR (attribute_not_exists(photoCount) AND :seen < :max))',
          ),
          { Put: { TableName: this.tableName, Item: { ...photoKey(carId, photo.photoId), ...photo } } },
          ...(claim && key
            ? [claimPut(this.tableName, key, { photoId: photo.photoId, photoKey: photo.key, contentType: photo.contentType }, claim, nowMs)]
            : []),
        ],
        () => notFound(`Car ${carId}`),
      );
      return photo;
    } catch (err) {
      if (!(err instanceof AppError && err.kind === 'NOT_FOUND')) throw err;
      // Which condition failed: the key's live claim (a retry), else a car that is still active is full.
      const held = key && (await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }))).Item;
      if (held && Number(held.claimUntil) >= nowMs) {
        if (held.fingerprint !== claim.fingerprint) throw keyReused('photo upload');
        return {
          photoId: String(held.photoId),
          key: String(held.photoKey),
          contentType: held.contentType as Photo['contentType'],
          createdAt: photo.createdAt,
        };
      }
      if ((await this.get(carId))?.status === 'active') throw full();
      throw err;
    }
  }

  async confirmPhoto(carId: string, photo: Photo): Promise<void> {
    // Refused when the photo was deleted meanwhile (or the car is gone): nothing to confirm.
    await transactWrite(this.db, [
      {
        Update: {
          TableName: this.tableName,
          Key: photoKey(carId, photo.photoId),
          UpdateExpression: 'SET uploaded = :yes',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':yes': true },
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: carKey(carId),
          UpdateExpression: 'SET coverPhotoKey = if_not_exists(coverPhotoKey, :key)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':key': photo.key },
        },
      },
    ]);
  }

  async deletePhoto(carId: string, photoId: string): Promise<Photo | undefined> {
    const before = await this.getWithPhotos(carId);
    const found = before?.photos.find((p) => p.photoId === photoId);
    if (!found) return undefined;
    const refused = await transactWrite(this.db, [
      { Delete: { TableName: this.tableName, Key: photoKey(carId, photoId), ConditionExpression: 'attribute_exists(pk)' } },
      {
        Update: {
          TableName: this.tableName,
          Key: carKey(carId),
          UpdateExpression: 'SET photoCount = if_not_exists(photoCount, :seen) - :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':seen': before!.photos.length, ':one': 1 },
        },
      },
    ]);
    if (refused) return undefined; // deleted meanwhile
    const removed = found;
    // Keep the cover pointing at a photo that exists: the oldest remaining uploaded one, or none.
    const remaining = ((await this.getWithPhotos(carId))?.photos ?? []).filter((p) => p.uploaded);
    // Refused when it was not the cover: nothing to do.
    await conditionalWrite(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: carKey(carId),
          UpdateExpression: remaining.length ? 'SET coverPhotoKey = :next' : 'REMOVE coverPhotoKey',
          ConditionExpression: 'coverPhotoKey = :removed',
          ExpressionAttributeValues: { ':removed': removed.key, ...(remaining.length ? { ':next': remaining[0].key } : {}) },
        }),
      ),
    );
    return removed;
  }
}
