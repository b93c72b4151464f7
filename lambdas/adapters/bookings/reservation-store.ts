import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BlockOutcome, CreateOutcome, HoldOutcome, Page, ReservationStore, RequestClaim } from '../../domain/bookings/ports';
import type { RejectionReason, Refund, Reservation, ReservationStatus } from '../../domain/bookings/reservation';
import type { MaintenanceBlock } from '../../domain/fleet/availability';
import type { Car } from '../../domain/fleet/car';
import type { OwnedClaim } from '../../domain/fleet/ports';
import { todayUtc } from '../../domain/fleet/period';
import { claimPut } from '../claims';
import { failedCondition, transactWrite, type TransactItem } from '../dynamo-conflicts';
import { queryPage } from '../dynamodb';
import type { DynamoCarRepository } from '../fleet/car-repository';
import {
  BY_CAR,
  BY_DUE,
  BY_USER,
  claimKey,
  dayLockKey,
  dueKeys,
  DUE_SHARDS,
  duePartition,
  dueSortKey,
  fromReservationItem,
  reservationKey,
  toReservationItem,
} from './reservation-item';

const DAY_MS = 86_400_000;
/** Day locks outlive their day by a week, then DynamoDB's TTL deletes them (nothing reads past days). */
const LOCK_TTL_AFTER_DAY_S = 7 * 86_400;

/** Every day of [from, to), `YYYY-MM-DD`. */
export const daysOf = (from: string, to: string): string[] => {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t < Date.parse(`${to}T00:00:00Z`); t += DAY_MS)
    days.push(new Date(t).toISOString().slice(0, 10));
  return days;
};

/**
 * Reservations in DynamoDB. Every change of state is one TransactWriteItems that is conditional on the
 * state it starts from, so the worker, the sweeper, payments and clients can race freely: exactly one
 * of two conflicting changes lands. Day locks make a double booking impossible; the car's blocks
 * (changed in the same transactions through the fleet adapter's `blockClause`) only serve search.
 */
export class DynamoReservationStore implements ReservationStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** A repository, or a factory called on the first write that changes a car's blocks: readers need no cars table. */
    private cars: DynamoCarRepository | (() => DynamoCarRepository),
  ) {}

  private carRepository(): DynamoCarRepository {
    if (typeof this.cars === 'function') this.cars = this.cars();
    return this.cars;
  }

  /** Sends a transaction (conflicts retried); returns the cancellation reasons of a failed condition. */
  private transact(items: TransactItem[]): Promise<CancellationReason[] | undefined> {
    return transactWrite(this.db, items);
  }

  /** An Update of the reservation item, conditional on its status (and an optional extra condition). */
  private transition(
    r: Reservation,
    from: ReservationStatus[],
    set: Record<string, unknown>,
    options: { remove?: string[]; due?: number | null; extraCondition?: string; values?: Record<string, unknown> } = {},
  ): TransactItem {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ...options.values };
    const sets: string[] = [];
    const removes = [...(options.remove ?? [])];
    Object.entries(set).forEach(([field, value], i) => {
      names[`#s${i}`] = field;
      values[`:s${i}`] = value;
      sets.push(`#s${i} = :s${i}`);
    });
    if (typeof options.due === 'number') {
      const keys = dueKeys(r.reservationId, options.due);
      Object.assign(values, { ':g3pk': keys.gsi3pk, ':g3sk': keys.gsi3sk });
      sets.push('gsi3pk = :g3pk', 'gsi3sk = :g3sk');
    } else if (options.due === null) removes.push('gsi3pk', 'gsi3sk');
    from.forEach((status, i) => (values[`:from${i}`] = status));
    const condition = `#status IN (${from.map((_, i) => `:from${i}`).join(', ')})${options.extraCondition ? ` AND ${options.extraCondition}` : ''}`;
    return {
      Update: {
        TableName: this.tableName,
        Key: reservationKey(r.reservationId),
        UpdateExpression: `${sets.length ? `SET ${sets.join(', ')} ` : ''}${removes.length ? `REMOVE ${removes.join(', ')}` : ''}`.trim(),
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  }

  private claimPut(userId: string, reservationId: string, claim: RequestClaim, nowMs: number, supersede?: string): TransactItem {
    return claimPut(
      this.tableName,
      claimKey(userId, claim.key),
      { reservationId },
      claim,
      nowMs,
      supersede ? { reservationId: supersede } : undefined,
    );
  }

  async create(r: Reservation, claims: RequestClaim[], resendAt: number, supersede?: string): Promise<CreateOutcome> {
    const nowMs = Date.parse(r.createdAt);
    const reasons = await this.transact([
      { Put: { TableName: this.tableName, Item: toReservationItem(r, resendAt), ConditionExpression: 'attribute_not_exists(pk)' } },
      ...claims.map((c) => this.claimPut(r.userId, r.reservationId, c, nowMs, supersede)),
    ]);
    if (!reasons) return { created: true };
    // The claim that was live, read strongly so the reservation it names is there (same transaction).
    // The client's Idempotency-Key (listed last) speaks first: a key reused for other dates is refused
    // even when the same dates were also just requested.
    const taken = [...claims].reverse().find((c) => failedCondition(reasons[claims.indexOf(c) + 1])) ?? claims[0];
    const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: claimKey(r.userId, taken.key), ConsistentRead: true }));
    if (!res.Item) return this.create(r, claims, resendAt, supersede); // it lapsed and vanished meanwhile: claim afresh
    return { created: false, reservationId: String(res.Item.reservationId), fingerprint: String(res.Item.fingerprint), key: taken.key };
  }

  async discard(r: Reservation, claims: RequestClaim[]): Promise<void> {
    await this.transact([
      {
        Delete: {
          TableName: this.tableName,
          Key: reservationKey(r.reservationId),
          ConditionExpression: '#status = :requested',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':requested': 'Requested' },
        },
      },
      ...claims.map((c) => ({
        Delete: {
          TableName: this.tableName,
          Key: claimKey(r.userId, c.key),
          ConditionExpression: 'reservationId = :id',
          ExpressionAttributeValues: { ':id': r.reservationId },
        },
      })),
    ]);
  }

  async get(reservationId: string): Promise<Reservation | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: reservationKey(reservationId), ConsistentRead: true }));
    return res.Item ? fromReservationItem(res.Item) : undefined;
  }

  private dayLockPut(
    carId: string,
    day: string,
    owner: string,
    kind: 'reservation' | 'maintenance',
    nowMs: number,
    holdExpiresAt?: number,
  ): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...dayLockKey(carId, day),
          owner,
          kind,
          holdExpiresAt,
          expiresAt: Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + LOCK_TTL_AFTER_DAY_S,
        },
        // Free, or held by a hold that lapsed (a lapsed hold never blocks, whether or not it was swept).
        ConditionExpression: 'attribute_not_exists(pk) OR (attribute_exists(holdExpiresAt) AND holdExpiresAt <= :now)',
        ExpressionAttributeValues: { ':now': nowMs },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  /** Day-lock clauses for the days a reservation or block owns: each conditional on still being its own. */
  private ownedLocks(carId: string, from: string, to: string, owner: string, op: 'Delete' | 'Confirm'): TransactItem[] {
    return daysOf(from, to).map((day) =>
      op === 'Delete'
        ? {
            Delete: {
              TableName: this.tableName,
              Key: dayLockKey(carId, day),
              ConditionExpression: '#owner = :owner',
              ExpressionAttributeNames: { '#owner': 'owner' },
              ExpressionAttributeValues: { ':owner': owner },
            },
          }
        : {
            Update: {
              TableName: this.tableName,
              Key: dayLockKey(carId, day),
              UpdateExpression: 'REMOVE holdExpiresAt',
              ConditionExpression: '#owner = :owner',
              ExpressionAttributeNames: { '#owner': 'owner' },
              ExpressionAttributeValues: { ':owner': owner },
            },
          },
    );
  }

  async hold(r: Reservation, car: Car, holdExpiresAt: number, now: Date): Promise<HoldOutcome> {
    const nowMs = now.getTime();
    const days = daysOf(r.startDate, r.endDate);
    const reasons = await this.transact([
      this.transition(r, ['Requested'], { status: 'Pending', holdExpiresAt, updatedAt: now.toISOString() }, { due: holdExpiresAt }),
      ...days.map((day) => this.dayLockPut(r.carId, day, r.reservationId, 'reservation', nowMs, holdExpiresAt)),
      this.carRepository().blockClause(r.carId, {
        set: { id: r.reservationId, kind: 'reservation', from: r.startDate, to: r.endDate, status: 'Pending', holdExpiresAt },
        seen: car,
        activeAt: r.car.location,
        now,
      }),
    ]);
    if (!reasons) return { kind: 'held' };
    if (failedCondition(reasons[0])) return { kind: 'alreadyDecided' };
    const takenDays = reasons.slice(1, 1 + days.length).filter(failedCondition);
    if (takenDays.length === 0) return { kind: 'rejected', reason: 'CAR_UNAVAILABLE' };
    // The lock's old item says whose day it is (raw attribute values: the document client leaves them so).
    const kindOf = (reason: CancellationReason) => {
      const kind = reason.Item?.kind as unknown;
      return typeof kind === 'string' ? kind : (kind as { S?: string } | undefined)?.S;
    };
    const maintenance = takenDays.some((reason) => kindOf(reason) === 'maintenance');
    return { kind: 'rejected', reason: maintenance ? 'CAR_BLOCKED' : 'CAR_TAKEN' };
  }

  async reject(r: Reservation, reason: RejectionReason, now: Date): Promise<boolean> {
    return !(await this.transact([
      this.transition(r, ['Requested'], { status: 'Rejected', reason, updatedAt: now.toISOString() }, { due: null }),
    ]));
  }

  async confirm(r: Reservation, now: Date, dueMs: number): Promise<boolean> {
    const reasons = await this.transact([
      this.transition(
        r,
        ['Pending'],
        { status: 'Confirmed', updatedAt: now.toISOString() },
        {
          remove: ['holdExpiresAt'],
          due: dueMs,
          extraCondition: 'holdExpiresAt > :now',
          values: { ':now': now.getTime() },
        },
      ),
      ...this.ownedLocks(r.carId, r.startDate, r.endDate, r.reservationId, 'Confirm'),
      this.carRepository().blockClause(r.carId, {
        set: { id: r.reservationId, kind: 'reservation', from: r.startDate, to: r.endDate, status: 'Confirmed' },
        now,
      }),
    ]);
    return !reasons;
  }

  async cancel(r: Reservation, refund: Refund | undefined, now: Date): Promise<boolean> {
    const holding = r.status === 'Pending' || r.status === 'Confirmed';
    const reasons = await this.transact([
      this.transition(
        r,
        [r.status],
        { status: 'Cancelled', updatedAt: now.toISOString(), ...(refund ? { refund } : {}) },
        {
          remove: ['holdExpiresAt'],
          due: null,
          // A Pending one only while its hold is live: after that its days may belong to someone else.
          ...(r.status === 'Pending' ? { extraCondition: 'holdExpiresAt > :now', values: { ':now': now.getTime() } } : {}),
        },
      ),
      ...(holding
        ? [
            ...this.ownedLocks(r.carId, r.startDate, r.endDate, r.reservationId, 'Delete'),
            this.carRepository().blockClause(r.carId, { remove: r.reservationId, now }),
          ]
        : []),
    ]);
    return !reasons;
  }

  async expire(r: Reservation, now: Date): Promise<boolean> {
    const reasons = await this.transact([
      this.transition(
        r,
        ['Pending'],
        { status: 'Expired', updatedAt: now.toISOString() },
        {
          due: null,
          extraCondition: 'holdExpiresAt <= :now',
          values: { ':now': now.getTime() },
        },
      ),
      this.carRepository().blockClause(r.carId, { remove: r.reservationId, now }),
    ]);
    if (reasons) return false;
    // Its day locks are free already (lapsed); delete those still its own so the table stays lean.
    await Promise.all(
      daysOf(r.startDate, r.endDate).map((day) =>
        this.db
          .send(
            new DeleteCommand({
              TableName: this.tableName,
              Key: dayLockKey(r.carId, day),
              ConditionExpression: '#owner = :owner',
              ExpressionAttributeNames: { '#owner': 'owner' },
              ExpressionAttributeValues: { ':owner': r.reservationId },
            }),
          )
          .catch(() => undefined),
      ),
    );
    return true;
  }

  async complete(r: Reservation, now: Date): Promise<boolean> {
    const reasons = await this.transact([
      this.transition(r, ['Confirmed'], { status: 'Completed', updatedAt: now.toISOString() }, { due: null }),
      this.carRepository().blockClause(r.carId, { remove: r.reservationId, now }),
    ]);
    return !reasons;
  }

  async reminded(r: Reservation, now: Date, dueMs: number): Promise<void> {
    await this.transact([this.transition(r, ['Confirmed'], { remindedAt: now.toISOString() }, { due: dueMs })]);
  }

  async postpone(r: Reservation, dueMs: number | undefined): Promise<void> {
    await this.transact([this.transition(r, [r.status], {}, { due: dueMs ?? null })]);
  }

  async due(now: Date, limit: number): Promise<Reservation[]> {
    const pages = await Promise.all(
      Array.from({ length: DUE_SHARDS }, (_, shard) =>
        this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: BY_DUE,
            KeyConditionExpression: 'gsi3pk = :shard AND gsi3sk <= :now',
            ExpressionAttributeValues: { ':shard': duePartition(shard), ':now': dueSortKey(now.getTime(), '~') },
            Limit: Math.ceil(limit / DUE_SHARDS),
          }),
        ),
      ),
    );
    return pages.flatMap((page) => (page.Items ?? []).map(fromReservationItem));
  }

  async listByUser(userId: string, options: { status?: ReservationStatus; limit: number; cursor?: string }): Promise<Page<Reservation>> {
    const partition = `USER#${userId}`;
    return this.page(
      {
        IndexName: BY_USER,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': partition, ...(options.status ? { ':status': options.status } : {}) },
        ...(options.status ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } } : {}),
        ScanIndexForward: false,
      },
      options,
      { gsi1pk: partition },
    );
  }

  async listByCar(
    carId: string,
    options: { when: 'upcoming' | 'past'; limit: number; cursor?: string; now: Date },
  ): Promise<Page<Reservation>> {
    const partition = `CAR#${carId}`;
    const today = `${todayUtc(options.now)}#~`;
    return this.page(
      {
        IndexName: BY_CAR,
        KeyConditionExpression: options.when === 'upcoming' ? 'gsi2pk = :pk AND gsi2sk > :today' : 'gsi2pk = :pk AND gsi2sk <= :today',
        ExpressionAttributeValues: { ':pk': partition, ':today': today },
        // Upcoming soonest first; past most recent first.
        ScanIndexForward: options.when === 'upcoming',
      },
      options,
      { gsi2pk: partition },
    );
  }

  /** One page of an index Query; the cursor is the last key, accepted back only for the same partition. */
  private async page(
    query: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName' | 'Limit' | 'ExclusiveStartKey'>,
    options: { limit: number; cursor?: string },
    partition: Record<string, string>,
  ): Promise<Page<Reservation>> {
    const page = await queryPage(this.db, { ...query, TableName: this.tableName }, options, { partition, pkPrefix: 'RES#', sk: 'RES' });
    return { items: page.items.map(fromReservationItem), nextCursor: page.nextCursor };
  }

  async block(car: Car, block: MaintenanceBlock, now: Date, claim?: OwnedClaim): Promise<BlockOutcome> {
    const days = daysOf(block.from, block.to);
    const key = claim && claimKey(claim.owner, claim.key);
    const reasons = await this.transact([
      ...days.map((day) => this.dayLockPut(car.carId, day, block.id, 'maintenance', now.getTime())),
      this.carRepository().blockClause(car.carId, { set: block, seen: car, activeAt: car.location, now }),
      ...(claim && key ? [claimPut(this.tableName, key, { blockId: block.id }, claim, now.getTime())] : []),
    ]);
    if (!reasons) return { blocked: true };
    if (!key || !failedCondition(reasons[days.length + 1])) return { blocked: false };
    // The key's live claim names the block an earlier attempt made; that block still stands while it
    // owns its first day (unblock deletes its locks). Both read strongly: they were one transaction.
    const read = (Key: Record<string, string>) => this.db.send(new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }));
    const [held, firstDay] = await Promise.all([read(key), read(dayLockKey(car.carId, block.from))]);
    if (!held.Item) return this.block(car, block, now, claim); // it lapsed meanwhile: claim afresh
    const blockId = String(held.Item.blockId);
    return { blocked: false, claimed: { blockId, fingerprint: String(held.Item.fingerprint), standing: firstDay.Item?.owner === blockId } };
  }

  async unblock(car: Car, block: MaintenanceBlock, now: Date): Promise<void> {
    await this.transact([
      ...this.ownedLocks(car.carId, block.from, block.to, block.id, 'Delete'),
      this.carRepository().blockClause(car.carId, { remove: block.id, seen: car, now }),
    ]);
  }
}
