import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CustomerUsage } from '../../domain/bookings/limits';
import type {
  BlockOutcome,
  CreateOptions,
  CreateOutcome,
  HoldOutcome,
  Page,
  ReservationStore,
  RequestClaim,
} from '../../domain/bookings/ports';
import type { RejectionReason, Refund, Reservation, ReservationStatus } from '../../domain/bookings/reservation';
import type { MaintenanceBlock } from '../../domain/fleet/availability';
import type { Car } from '../../domain/fleet/car';
import type { OwnedClaim } from '../../domain/fleet/ports';
import { todayUtc } from '../../domain/fleet/period';
import { conflict } from '../../shared/errors';
import { claimPut } from '../claims';
import { failedCondition, pause, transactWrite, type TransactItem } from '../dynamo-conflicts';
import { queryAll, queryPage } from '../dynamodb';
import type { DynamoCarRepository } from '../fleet/car-repository';
import {
  BY_CAR,
  BY_DUE,
  BY_USER,
  claimKey,
  customerPartition,
  dayLockKey,
  dueKeys,
  DUE_SHARDS,
  duePartition,
  dueSortKey,
  fromReservationItem,
  reservationKey,
  toReservationItem,
  usageKey,
  usageVersionKey,
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

/** Requests of one customer judged on usage that changed before they landed are judged again this many times. */
const USAGE_RETRIES = 20;

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

  /**
   * The customer's usage item for a reservation: a request or hold counts until `until`, a booking
   * (no `until`) to its return day; DynamoDB's TTL drops it a week after it stops counting.
   */
  private usagePut(r: Reservation, until: number | undefined, condition?: { ifLiveAt: number }): TransactItem {
    const endsMs = until ?? Date.parse(`${r.endDate}T00:00:00Z`);
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...usageKey(r.userId, r.reservationId),
          reservationId: r.reservationId,
          startDate: r.startDate,
          endDate: r.endDate,
          until,
          expiresAt: Math.ceil(endsMs / 1000) + LOCK_TTL_AFTER_DAY_S,
        },
        // A reservation from before the limits has no item yet: it gets one.
        ...(condition
          ? {
              ConditionExpression: 'attribute_not_exists(pk) OR #until > :now',
              ExpressionAttributeNames: { '#until': 'until' },
              ExpressionAttributeValues: { ':now': condition.ifLiveAt },
            }
          : {}),
      },
    };
  }

  /** Drops a reservation's usage (a no-op when it has none): every change of state that ends it. */
  private usageDelete(r: Reservation): TransactItem {
    return { Delete: { TableName: this.tableName, Key: usageKey(r.userId, r.reservationId) } };
  }

  /** What counts against a customer's limits, and the version the write that adds to it must still find. */
  private async customerUsage(userId: string): Promise<{ version?: number; usage: CustomerUsage[] }> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': customerPartition(userId) },
      ConsistentRead: true,
    });
    const version = items.find((i) => i.sk === 'VERSION')?.version;
    const usage = items
      .filter((i) => i.sk !== 'VERSION')
      .map((i) => ({
        reservationId: String(i.reservationId),
        startDate: String(i.startDate),
        endDate: String(i.endDate),
        ...(typeof i.until === 'number' ? { until: i.until } : {}),
      }));
    return { version: typeof version === 'number' ? version : undefined, usage };
  }

  /** Bumps the customer's usage version, conditional on it being the one the usage was read at. */
  private usageVersionBump(userId: string, seen: number | undefined): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: usageVersionKey(userId),
        UpdateExpression: 'SET version = :next',
        ConditionExpression: seen === undefined ? 'attribute_not_exists(version)' : 'version = :seen',
        ExpressionAttributeValues: { ':next': (seen ?? 0) + 1, ...(seen === undefined ? {} : { ':seen': seen }) },
      },
    };
  }

  /** What a claim that is live names (read strongly), or undefined when it is free (or still names `supersede`). */
  private async liveClaim(userId: string, claim: RequestClaim, nowMs: number, supersede?: string) {
    const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: claimKey(userId, claim.key), ConsistentRead: true }));
    const item = res.Item;
    if (!item || Number(item.claimUntil) < nowMs || (supersede && item.reservationId === supersede)) return undefined;
    return { created: false as const, reservationId: String(item.reservationId), fingerprint: String(item.fingerprint), key: claim.key };
  }

  async create(r: Reservation, claims: RequestClaim[], resendAt: number, options: CreateOptions): Promise<CreateOutcome> {
    const nowMs = Date.parse(r.createdAt);
    const { supersede } = options;
    for (let attempt = 0; ; attempt++) {
      const { version, usage } = await this.customerUsage(r.userId);
      const refused = options.admit(usage);
      if (refused) {
        // A repeat of a request that was written answers with it, even when the customer is at a limit.
        // The client's Idempotency-Key (listed last) speaks first, as below.
        for (const claim of [...claims].reverse()) {
          const live = await this.liveClaim(r.userId, claim, nowMs, supersede);
          if (live) return live;
        }
        return { created: false, refused };
      }
      const reasons = await this.transact([
        { Put: { TableName: this.tableName, Item: toReservationItem(r, resendAt), ConditionExpression: 'attribute_not_exists(pk)' } },
        ...claims.map((c) => this.claimPut(r.userId, r.reservationId, c, nowMs, supersede)),
        this.usageVersionBump(r.userId, version),
        this.usagePut(r, options.countsUntil),
      ]);
      if (!reasons) return { created: true };
      // The claim that was live, read strongly so the reservation it names is there (same transaction).
      // The client's Idempotency-Key (listed last) speaks first: a key reused for other dates is refused
      // even when the same dates were also just requested.
      const taken = [...claims].reverse().find((c) => failedCondition(reasons[claims.indexOf(c) + 1]));
      if (taken) {
        const live = await this.liveClaim(r.userId, taken, nowMs, supersede);
        if (live) return live;
        continue; // it lapsed and vanished meanwhile: claim afresh
      }
      // Another request of this customer landed since the usage was read: judge again on the new usage.
      if (attempt >= USAGE_RETRIES) throw conflict('Too many booking requests of yours at once; retry in a moment.');
      await pause(attempt);
    }
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
      this.usageDelete(r),
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
      // The request's count becomes the hold's, unless it lapsed undecided (the sweeper rejects it then).
      this.usagePut(r, holdExpiresAt, { ifLiveAt: nowMs }),
    ]);
    if (!reasons) return { kind: 'held' };
    if (failedCondition(reasons[0])) return { kind: 'alreadyDecided' };
    const takenDays = reasons.slice(1, 1 + days.length).filter(failedCondition);
    if (takenDays.length === 0) {
      return { kind: 'rejected', reason: failedCondition(reasons[days.length + 2]) ? 'NOT_DECIDED' : 'CAR_UNAVAILABLE' };
    }
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
      this.usageDelete(r),
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
      // No longer an open hold; still a booking on its days.
      this.usagePut(r, undefined),
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
      this.usageDelete(r),
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
      this.usageDelete(r),
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
      this.usageDelete(r),
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
        // Upcoming soonest first; past most recent first.
        ...(options.when === 'upcoming'
          ? {
              KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk > :today',
              // Only those that hold the car (`holdsCar`) or may still come to (Requested): never a
              // cancelled, rejected or lapsed one, whose return day may well be ahead.
              FilterExpression: '#status IN (:requested, :confirmed) OR (#status = :pending AND holdExpiresAt > :nowMs)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':pk': partition,
                ':today': today,
                ':requested': 'Requested',
                ':confirmed': 'Confirmed',
                ':pending': 'Pending',
                ':nowMs': options.now.getTime(),
              },
              ScanIndexForward: true,
            }
          : {
              KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :today',
              ExpressionAttributeValues: { ':pk': partition, ':today': today },
              ScanIndexForward: false,
            }),
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
