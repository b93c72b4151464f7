import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  BlockOutcome,
  CarMove,
  CreateOptions,
  CreateOutcome,
  HoldOutcome,
  HoldTerms,
  Page,
  ReservationStore,
  RequestClaim,
} from '../../domain/bookings/ports';
import {
  carIntervalOf,
  holdsCar,
  intervalOf,
  type Handover,
  type RejectionReason,
  type Refund,
  type Reservation,
  type ReservationStatus,
  type ReturnSettlement,
} from '../../domain/bookings/reservation';
import { HANDOVER_CLAIM_MS } from '../../domain/bookings/policy';
import type { QuoteLine } from '../../domain/pricing';
import type { MaintenanceBlock } from '../../domain/fleet/availability';
import type { Car } from '../../domain/fleet/car';
import type { OwnedClaim } from '../../domain/fleet/ports';
import { todayUtc } from '../../domain/fleet/period';
import { conflict } from '../../shared/errors';
import { claimPut } from '../claims';
import { failedCondition, pause, transactWrite, writeItem, type TransactItem } from '../dynamo-conflicts';
import { getInOrder, queryPage } from '../dynamodb';
import type { DynamoCarRepository } from '../fleet/car-repository';
import {
  BY_CAR,
  BY_DUE,
  BY_USER,
  claimKey,
  dueKeys,
  DUE_SHARDS,
  duePartition,
  dueSortKey,
  fromReservationItem,
  reservationKey,
  toReservationItem,
} from './reservation-item';
import { CustomerLedger, usageOf, type Ledger } from './customer-ledger';
import type { DynamoStockCalendars } from './stock-calendars';
import type { StockBlock, StockCalendar } from '../../domain/fleet/stock';

/** Requests of one customer judged on usage that changed before they landed are judged again this many times. */
const USAGE_RETRIES = 20;

/**
 * Reservations in DynamoDB. Every change of state is conditional on the state it starts from, so the
 * worker, the sweeper, payments and clients can race freely: exactly one of two conflicting changes
 * lands. The car item's blocks are the car's calendar: a hold or a maintenance block is a write of the
 * car item (the fleet adapter's `blockClause`) conditional on the calendar's version the decision was
 * made on, so two holds judged on one calendar cannot both land. Search reads the same blocks.
 *
 * What a booking costs is kept to single-item writes where no transaction is needed for correctness
 * (docs/performance.md): a request is admitted by the customer's ledger (one conditional write), then
 * written; a hold is decided by the car's calendar, then the reservation follows. Each later step
 * finds and repairs what an interrupted earlier one left: a retried request writes the reservation its
 * claim names, a redelivered decision finds its hold on the car. Confirm, cancel and the sweeper's
 * changes, which must move the reservation and its car together, stay transactions.
 */
export class DynamoReservationStore implements ReservationStore {
  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly tableName: string,
    /** A repository, or a factory called on the first write that changes a car's blocks: readers need no cars table. */
    private cars: DynamoCarRepository | (() => DynamoCarRepository),
    /** The stock calendars of physical extras (or their factory), for reservations that take some. */
    private stock?: DynamoStockCalendars | (() => DynamoStockCalendars),
  ) {
    this.ledger = new CustomerLedger(db, tableName);
  }

  protected readonly ledger: CustomerLedger;

  protected carRepository(): DynamoCarRepository {
    if (typeof this.cars === 'function') this.cars = this.cars();
    return this.cars;
  }

  protected stockCalendars(): DynamoStockCalendars {
    if (typeof this.stock === 'function') this.stock = this.stock();
    if (!this.stock) throw new Error('This store was made without stock calendars, and a reservation takes stocked extras.');
    return this.stock;
  }

  /** The reservation's stocked extras. */
  protected stocked(r: Reservation) {
    return (r.extras ?? []).filter((e) => e.stocked);
  }

  /** The stock clauses that go with a change of the reservation's car block: one per stocked extra. */
  private stockClauses(
    r: Reservation,
    change: { set?: Pick<StockBlock, 'status' | 'holdExpiresAt'>; remove?: true; stillThere?: true; seen?: StockCalendar[] },
    now: Date,
  ): TransactItem[] {
    return this.stocked(r).map((extra) =>
      this.stockCalendars().clause(r.car.location, extra.code, {
        ...(change.set ? { set: { id: r.reservationId, ...intervalOf(r), quantity: extra.quantity, ...change.set } } : {}),
        ...(change.remove ? { remove: r.reservationId } : {}),
        ...(change.stillThere ? { stillThere: true as const } : {}),
        ...(change.seen ? { unchangedSince: change.seen.find((c) => c.code === extra.code) } : {}),
        now,
      }),
    );
  }

  /** Sends a transaction (conflicts retried); returns the cancellation reasons of a failed condition. */
  protected transact(items: TransactItem[]): Promise<CancellationReason[] | undefined> {
    return transactWrite(this.db, items);
  }

  /** An Update of the reservation item, conditional on its status (and an optional extra condition). */
  protected transition(
    r: Reservation,
    from: ReservationStatus[],
    set: Record<string, unknown>,
    options: {
      remove?: string[];
      due?: number | null;
      extraCondition?: string;
      values?: Record<string, unknown>;
      names?: Record<string, string>;
      /**
       * The `updatedAt` it was read at: its terms unchanged since (a change may have re-timed and re-priced
       * a Confirmed reservation between a read and this write).
       */
      seenAt?: string;
    } = {},
  ): TransactItem {
    const names: Record<string, string> = { '#status': 'status', ...options.names };
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
    const conditions = [`#status IN (${from.map((_, i) => `:from${i}`).join(', ')})`];
    if (options.extraCondition) conditions.push(options.extraCondition);
    if (options.seenAt !== undefined) {
      conditions.push('updatedAt = :seenAt');
      values[':seenAt'] = options.seenAt;
    }
    const condition = conditions.join(' AND ');
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

  /**
   * A live claim on one of the request's keys (the client's Idempotency-Key, listed last, speaks first:
   * a key reused for other dates is refused even when the same dates were also just requested), unless
   * it still names `supersede`.
   */
  private async liveClaim(userId: string, ledger: Ledger, claims: RequestClaim[], nowMs: number, supersede?: string) {
    for (const claim of [...claims].reverse()) {
      const live = ledger.claims.find((c) => c.key === claim.key) ?? (await this.ledger.legacyClaim(userId, ledger, claim, nowMs));
      if (live && live.reservationId !== supersede) return live;
    }
    return undefined;
  }

  async create(r: Reservation, claims: RequestClaim[], dueMs: number, options: CreateOptions): Promise<CreateOutcome> {
    const nowMs = Date.parse(r.createdAt);
    let { supersede } = options;
    for (let attempt = 0; ; attempt++) {
      const ledger = await this.ledger.read(r.userId, nowMs);
      const live = await this.liveClaim(r.userId, ledger, claims, nowMs, supersede);
      if (live) {
        const named = { created: false as const, reservationId: live.reservationId, fingerprint: live.fingerprint, key: live.key };
        if (live.fingerprint !== claims[0].fingerprint || (await this.get(live.reservationId))) return named;
        // The same request was admitted but its reservation never written (the write failed after the
        // ledger's): write it now, under the id the claim names. Once its usage has stopped counting it
        // is a request that never was, and this one takes its claim over.
        if (!ledger.usage.some((u) => u.reservationId === live.reservationId)) {
          supersede = live.reservationId;
          continue;
        }
        const resumed = { ...r, reservationId: live.reservationId };
        if (await writeItem(this.db, this.reservationPut(resumed, dueMs))) return { created: true, reservationId: resumed.reservationId };
        return named;
      }
      const refused = options.admit(ledger.usage);
      if (refused) return { created: false, refused };
      if (await this.ledger.admit(r.userId, ledger, usageOf(r, options.countsUntil), claims, r.reservationId)) {
        // Reservation ids are fresh: a failed write here is an outage, and the client's retry resumes it (above).
        await writeItem(this.db, this.reservationPut(r, dueMs));
        return { created: true, reservationId: r.reservationId };
      }
      // Another request of this customer landed since the ledger was read: judge again on the new usage.
      if (attempt >= USAGE_RETRIES) throw conflict('Too many booking requests of yours at once; retry in a moment.');
      await pause(attempt);
    }
  }

  private reservationPut(r: Reservation, dueMs: number): TransactItem {
    return { Put: { TableName: this.tableName, Item: toReservationItem(r, dueMs), ConditionExpression: 'attribute_not_exists(pk)' } };
  }

  async discard(r: Reservation, claims: RequestClaim[]): Promise<void> {
    const deleted = await writeItem(this.db, {
      Delete: {
        TableName: this.tableName,
        Key: reservationKey(r.reservationId),
        ConditionExpression: '#status = :requested',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':requested': 'Requested' },
      },
    });
    // Decided meanwhile (its message did leave): it stays, and so does its count.
    if (deleted) await this.ledger.write(this.ledger.forget(r, claims));
  }

  async get(reservationId: string): Promise<Reservation | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: reservationKey(reservationId), ConsistentRead: true }));
    return res.Item ? fromReservationItem(res.Item) : undefined;
  }

  async hold(r: Reservation, car: Car, hold: HoldTerms, now: Date): Promise<HoldOutcome> {
    const { expiresAt } = hold;
    // The decision: the car's calendar, conditional on the version it was judged on. Unless an earlier
    // attempt's hold is already there (it is this decision; its expiry is kept).
    if (!hold.onCar) {
      const block = { ...this.blockOf(r), status: 'Pending' as const, holdExpiresAt: expiresAt };
      const onCar = this.carRepository().blockClause(r.carId, { set: block, unchangedSince: car, activeAt: r.car.location, now });
      // With stocked extras, the car and each extra's calendar in one transaction: all held, or none.
      const stock = hold.stock?.length
        ? this.stockClauses(r, { set: { status: 'Pending', holdExpiresAt: expiresAt }, seen: hold.stock }, now)
        : [];
      const landed = stock.length ? !(await this.transact([onCar, ...stock])) : await writeItem(this.db, onCar);
      if (!landed) return { kind: 'stale' };
    }
    // Then the reservation follows, while it is still a request within its decision window.
    const followed = await writeItem(
      this.db,
      this.transition(
        r,
        ['Requested'],
        { status: 'Pending', holdExpiresAt: expiresAt, updatedAt: now.toISOString() },
        { extraCondition: 'createdAt > :after', values: { ':after': hold.requestedAfter } },
      ),
    );
    if (!followed) {
      const current = await this.get(r.reservationId);
      // Another attempt at the same decision got there first: the block is its hold too.
      if (current && (current.status === 'Pending' || current.status === 'Confirmed')) return { kind: 'alreadyDecided' };
      // Cancelled, or decided otherwise, or too late: the block must not keep the car from anyone.
      await this.dropBlock(r, now);
      return current?.status === 'Requested' ? { kind: 'rejected', reason: 'NOT_DECIDED' } : { kind: 'alreadyDecided' };
    }
    // Its count: the hold's expiry (until now, the request's window, which is never shorter).
    await this.ledger.write(this.ledger.count(r, expiresAt));
    return { kind: 'held' };
  }

  /** Takes a reservation's block off its car, and off its extras' stock, where it is there. */
  private async dropBlock(r: Reservation, now: Date): Promise<void> {
    await writeItem(this.db, this.carRepository().blockClause(r.carId, { remove: r.reservationId, stillThere: true, now }));
    for (const clause of this.stockClauses(r, { remove: true, stillThere: true }, now)) await writeItem(this.db, clause);
  }

  /** A reservation's block on its car, as the car's calendar keeps it (v1 days kept for v1's views). */
  protected blockOf(r: Reservation) {
    return {
      id: r.reservationId,
      kind: 'reservation' as const,
      ...carIntervalOf(r),
      ...(r.pickupAt ? {} : { from: r.startDate, to: r.endDate }),
    };
  }

  async reject(r: Reservation, reason: RejectionReason, now: Date): Promise<boolean> {
    if (
      !(await writeItem(
        this.db,
        this.transition(r, ['Requested'], { status: 'Rejected', reason, updatedAt: now.toISOString() }, { due: null }),
      ))
    ) {
      return false;
    }
    await this.ledger.write(this.ledger.forget(r));
    return true;
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
      ...this.stockClauses(r, { set: { status: 'Confirmed' }, stillThere: true }, now),
      // No longer an open hold; still a booking for its interval.
      this.ledger.count(r),
    ]);
    return !reasons;
  }

  async cancel(r: Reservation, refund: Refund | undefined, now: Date): Promise<boolean> {
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
          // A Confirmed one not while an agent is handing the car over (its money is being taken).
          // Nor while its change is under way (its money is being taken, its new interval held).
          ...(r.status === 'Confirmed'
            ? this.unclaimed(['pickup', 'change'], new Date(now.getTime() - HANDOVER_CLAIM_MS).toISOString())
            : {}),
          // Its refund, and the extras it gives back, are judged on its terms as read.
          seenAt: r.updatedAt,
        },
      ),
      ...(r.status === 'Requested'
        ? []
        : [this.carRepository().blockClause(r.carId, { remove: r.reservationId, now }), ...this.stockClauses(r, { remove: true }, now)]),
      this.ledger.forget(r),
    ]);
    // A request's too, if a decider put its hold on the car a moment ago (its own write then finds the
    // reservation cancelled and takes the hold off again, should this one come first).
    if (!reasons && r.status === 'Requested') await this.dropBlock(r, now);
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
      ...this.stockClauses(r, { remove: true }, now),
      this.ledger.forget(r),
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
      // Its extras are back at the counter.
      ...this.stockClauses(r, { remove: true }, now),
      this.ledger.forget(r),
    ]);
    return !reasons;
  }

  /**
   * The condition that no claim newer than `staleBefore` is on the reservation in any of `fields`: an
   * agent's hand-over (`pickup`, `dropoff`) or a change under way (`change`).
   */
  protected unclaimed(fields: 'pickup' | 'dropoff' | 'change' | ReadonlyArray<'pickup' | 'dropoff' | 'change'>, staleBefore: string) {
    const all = typeof fields === 'string' ? [fields] : fields;
    return {
      extraCondition: all.map((field) => `(attribute_not_exists(${field}) OR ${field}.#claimAt < :stale)`).join(' AND '),
      names: { '#claimAt': 'at' },
      values: { ':stale': staleBefore },
    };
  }

  /** The condition that the claim on the reservation is still this one (by, at). */
  private claimed(field: 'pickup' | 'dropoff', claim: Handover) {
    return {
      extraCondition: `${field}.#claimBy = :by AND ${field}.#claimAt = :at`,
      names: { '#claimBy': 'by', '#claimAt': 'at' },
      values: { ':by': claim.by, ':at': claim.at },
    };
  }

  async claimPickup(r: Reservation, pickup: Handover, staleBefore: string): Promise<boolean> {
    // On its terms as read: the pick-up captures its price.
    return writeItem(
      this.db,
      this.transition(r, ['Confirmed'], { pickup }, { ...this.unclaimed(['pickup', 'change'], staleBefore), seenAt: r.updatedAt }),
    );
  }

  async releasePickup(r: Reservation): Promise<void> {
    if (!r.pickup) return;
    await writeItem(this.db, this.transition(r, ['Confirmed'], {}, { remove: ['pickup'], ...this.claimed('pickup', r.pickup) }));
  }

  async startRental(r: Reservation, now: Date): Promise<boolean> {
    if (!r.pickup) throw new Error('startRental: the reservation has no pick-up claim');
    // Off the sweeper's list: an Active rental ends at the counter, never by time.
    return writeItem(
      this.db,
      this.transition(
        r,
        ['Confirmed'],
        { status: 'Active', updatedAt: now.toISOString() },
        { due: null, ...this.claimed('pickup', r.pickup) },
      ),
    );
  }

  async claimReturn(
    r: Reservation,
    dropoff: NonNullable<Reservation['dropoff']>,
    charges: QuoteLine[],
    staleBefore: string,
  ): Promise<boolean> {
    return writeItem(this.db, this.transition(r, ['Active'], { dropoff, charges }, this.unclaimed(['dropoff', 'change'], staleBefore)));
  }

  async finishRental(r: Reservation, settlement: ReturnSettlement, now: Date, move?: CarMove): Promise<boolean> {
    if (!r.dropoff) throw new Error('finishRental: the reservation has no return claim');
    // The car is back: its block now ends a turnaround after the actual return (cleaning), early or late.
    const turnaroundMs = r.readyAt && r.returnAt ? Date.parse(r.readyAt) - Date.parse(r.returnAt) : 0;
    const readyMs = Date.parse(r.dropoff.at) + turnaroundMs;
    const carClause = this.carRepository().blockClause(r.carId, {
      ...(readyMs > now.getTime() ? { set: { ...this.blockOf(r), readyMs, status: 'Confirmed' as const } } : { remove: r.reservationId }),
      ...(move ? { moveTo: { from: r.car.location, car: move.car, to: move.to } } : {}),
      now,
    });
    const reasons = await this.transact([
      this.transition(
        r,
        ['Active'],
        { status: 'Completed', settlement, updatedAt: now.toISOString() },
        { due: null, ...this.claimed('dropoff', r.dropoff) },
      ),
      carClause,
      ...(move ? this.carRepository().moveCounters(r.car.location, move.to) : []),
      ...this.stockClauses(r, { remove: true }, now),
      this.ledger.forget(r),
    ]);
    return !reasons;
  }

  async noShow(r: Reservation, refund: Refund, now: Date, staleBefore: string): Promise<boolean> {
    const reasons = await this.transact([
      this.transition(
        r,
        ['Confirmed'],
        { status: 'NoShow', refund, updatedAt: now.toISOString() },
        { due: null, ...this.unclaimed(['pickup', 'change'], staleBefore), seenAt: r.updatedAt },
      ),
      this.carRepository().blockClause(r.carId, { remove: r.reservationId, now }),
      ...this.stockClauses(r, { remove: true }, now),
      this.ledger.forget(r),
    ]);
    return !reasons;
  }

  async reminded(r: Reservation, now: Date, dueMs: number): Promise<void> {
    await writeItem(this.db, this.transition(r, ['Confirmed'], { remindedAt: now.toISOString() }, { due: dueMs }));
  }

  async postpone(r: Reservation, dueMs: number | undefined): Promise<void> {
    await writeItem(this.db, this.transition(r, [r.status], {}, { due: dueMs ?? null }));
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
    // A keys-only index: the reservations themselves, as they are now.
    const keys = pages.flatMap((page) => (page.Items ?? []) as Array<{ pk: string; sk: string }>);
    return (await getInOrder(this.db, this.tableName, keys)).map(fromReservationItem);
  }

  async listByUser(
    userId: string,
    options: { status?: ReservationStatus | readonly ReservationStatus[]; limit: number; cursor?: string },
  ): Promise<Page<Reservation>> {
    const partition = `USER#${userId}`;
    const wanted = options.status === undefined ? undefined : ([] as ReservationStatus[]).concat(options.status);
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
      wanted ? (r) => wanted.includes(r.status) : undefined,
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
      // Upcoming: only those that hold the car (`holdsCar`: a live hold, Confirmed, or Active: out with a
      // customer) or may still come to (Requested): never a cancelled, rejected, lapsed or no-show one,
      // whose return day may well be ahead. Filtered after the read.
      upcoming ? (r) => r.status === 'Requested' || holdsCar(r, nowMs) : undefined,
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
