import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
import { intervalOf, type RejectionReason, type Refund, type Reservation, type ReservationStatus } from '../../domain/bookings/reservation';
import type { MaintenanceBlock } from '../../domain/fleet/availability';
import type { Car } from '../../domain/fleet/car';
import type { OwnedClaim } from '../../domain/fleet/ports';
import { todayUtc } from '../../domain/fleet/period';
import { conflict } from '../../shared/errors';
import { claimPut } from '../claims';
import { failedCondition, pause, transactWrite, type TransactItem } from '../dynamo-conflicts';
import { getInOrder, queryAll, queryPage } from '../dynamodb';
import type { DynamoCarRepository } from '../fleet/car-repository';
import {
  BY_CAR,
  BY_DUE,
  BY_USER,
  claimKey,
  customerPartition,
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

/** Usage items outlive what they count by a week, then DynamoDB's TTL deletes them. */
const TTL_AFTER_S = 7 * 86_400;

/** Requests of one customer judged on usage that changed before they landed are judged again this many times. */
const USAGE_RETRIES = 20;

/**
 * Reservations in DynamoDB. Every change of state is one TransactWriteItems that is conditional on the
 * state it starts from, so the worker, the sweeper, payments and clients can race freely: exactly one
 * of two conflicting changes lands. The car item's blocks are the car's calendar: a hold or a
 * maintenance block is written in the same transaction as a block clause (the fleet adapter's
 * `blockClause`) conditional on the calendar's version the decision was made on, so two holds judged
 * on one calendar cannot both land. Search reads the same blocks.
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
    const endsMs = until ?? intervalOf(r).readyMs;
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...usageKey(r.userId, r.reservationId),
          reservationId: r.reservationId,
          startDate: r.startDate,
          endDate: r.endDate,
          ...intervalOf(r),
          until,
          expiresAt: Math.ceil(endsMs / 1000) + TTL_AFTER_S,
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
        ...(typeof i.fromMs === 'number' && typeof i.readyMs === 'number' ? { fromMs: i.fromMs, readyMs: i.readyMs } : {}),
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

  async hold(r: Reservation, car: Car, holdExpiresAt: number, now: Date): Promise<HoldOutcome> {
    const reasons = await this.transact([
      this.transition(r, ['Requested'], { status: 'Pending', holdExpiresAt, updatedAt: now.toISOString() }, { due: holdExpiresAt }),
      this.carRepository().blockClause(r.carId, {
        set: { ...this.blockOf(r), status: 'Pending', holdExpiresAt },
        unchangedSince: car,
        activeAt: r.car.location,
        now,
      }),
      // The request's count becomes the hold's, unless it lapsed undecided (the sweeper rejects it then).
      this.usagePut(r, holdExpiresAt, { ifLiveAt: now.getTime() }),
    ]);
    if (!reasons) return { kind: 'held' };
    if (failedCondition(reasons[0])) return { kind: 'alreadyDecided' };
    // The calendar moved on, or the car left (the decider reads it again and tells which).
    if (failedCondition(reasons[1])) return { kind: 'stale' };
    return { kind: 'rejected', reason: 'NOT_DECIDED' };
  }

  /** A reservation's block on its car, as the car's calendar keeps it (v1 days kept for v1's views). */
  private blockOf(r: Reservation) {
    return {
      id: r.reservationId,
      kind: 'reservation' as const,
      ...intervalOf(r),
      ...(r.pickupAt ? {} : { from: r.startDate, to: r.endDate }),
    };
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
      // Its block must still be there: a hold that lapsed may have been dropped by a later booking's write.
      this.carRepository().blockClause(r.carId, { set: { ...this.blockOf(r), status: 'Confirmed' }, stillThere: true, now }),
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
          // A Pending one only while its hold is live: after that its time may belong to someone else.
          ...(r.status === 'Pending' ? { extraCondition: 'holdExpiresAt > :now', values: { ':now': now.getTime() } } : {}),
        },
      ),
      ...(holding ? [this.carRepository().blockClause(r.carId, { remove: r.reservationId, now })] : []),
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
    return !reasons;
  }

  async complete(r: Reservation, now: Date): Promise<boolean> {
    // Completed at its return; its block stays through the turnaround (until readyAt), and the next write
    // that reads the car drops it once it has ended.
    const ready = intervalOf(r).readyMs <= now.getTime();
    const reasons = await this.transact([
      this.transition(r, ['Confirmed'], { status: 'Completed', updatedAt: now.toISOString() }, { due: null }),
      ...(ready ? [this.carRepository().blockClause(r.carId, { remove: r.reservationId, now })] : []),
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
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: false,
      },
      options,
      { gsi1pk: partition },
      // Filtered after the read (a keys-only index has no status): a page may be short, as with a FilterExpression.
      options.status ? (r) => r.status === options.status : undefined,
    );
  }

  async listByCar(
    carId: string,
    options: { when: 'upcoming' | 'past'; limit: number; cursor?: string; now: Date },
  ): Promise<Page<Reservation>> {
    const partition = `CAR#${carId}`;
    const today = `${todayUtc(options.now)}#~`;
    const upcoming = options.when === 'upcoming';
    const nowMs = options.now.getTime();
    return this.page(
      {
        IndexName: BY_CAR,
        // Upcoming soonest first; past most recent first.
        KeyConditionExpression: `gsi2pk = :pk AND gsi2sk ${upcoming ? '>' : '<='} :today`,
        ExpressionAttributeValues: { ':pk': partition, ':today': today },
        ScanIndexForward: upcoming,
      },
      options,
      { gsi2pk: partition },
      // Upcoming: only those that hold the car (`holdsCar`) or may still come to (Requested): never a
      // cancelled, rejected or lapsed one, whose return day may well be ahead. Filtered after the read.
      upcoming
        ? (r) => r.status === 'Requested' || r.status === 'Confirmed' || (r.status === 'Pending' && (r.holdExpiresAt ?? 0) > nowMs)
        : undefined,
    );
  }

  /**
   * One page of a keys-only index Query, its items read from the table in the index's order, then
   * `keep` applied (a page may be short, as with a FilterExpression: the cursor still moves on). The
   * cursor is the last key, accepted back only for the same partition.
   */
  private async page(
    query: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName' | 'Limit' | 'ExclusiveStartKey'>,
    options: { limit: number; cursor?: string },
    partition: Record<string, string>,
    keep: (r: Reservation) => boolean = () => true,
  ): Promise<Page<Reservation>> {
    const page = await queryPage(this.db, { ...query, TableName: this.tableName }, options, { partition, pkPrefix: 'RES#', sk: 'RES' });
    const items = await getInOrder(this.db, this.tableName, page.items as Array<{ pk: string; sk: string }>);
    return { items: items.map(fromReservationItem).filter(keep), nextCursor: page.nextCursor };
  }

  async block(car: Car, block: MaintenanceBlock, now: Date, claim?: OwnedClaim): Promise<BlockOutcome> {
    const key = claim && claimKey(claim.owner, claim.key);
    const reasons = await this.transact([
      this.carRepository().blockClause(car.carId, { set: block, unchangedSince: car, activeAt: car.location, now }),
      ...(claim && key ? [claimPut(this.tableName, key, { blockId: block.id }, claim, now.getTime())] : []),
    ]);
    if (!reasons) return { blocked: true };
    if (!key || !failedCondition(reasons[1])) return { blocked: false, stale: true as const };
    const claimed = await this.earlierBlock(car.carId, claim, now);
    return claimed ? { blocked: false, claimed } : this.block(car, block, now, claim); // it lapsed meanwhile: claim afresh
  }

  async earlierBlock(
    carId: string,
    claim: OwnedClaim,
    now: Date,
  ): Promise<{ blockId: string; fingerprint: string; standing: boolean } | undefined> {
    const held = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: claimKey(claim.owner, claim.key), ConsistentRead: true }),
    );
    if (!held.Item || Number(held.Item.claimUntil) < now.getTime()) return undefined;
    // The block stands while it is on the car (unblock removes it).
    const blockId = String(held.Item.blockId);
    const car = await this.carRepository().get(carId, true);
    return { blockId, fingerprint: String(held.Item.fingerprint), standing: Boolean(car?.blocks.some((b) => b.id === blockId)) };
  }

  async unblock(car: Car, block: MaintenanceBlock, now: Date): Promise<boolean> {
    return !(await this.transact([this.carRepository().blockClause(car.carId, { remove: block.id, unchangedSince: car, now })]));
  }
}
