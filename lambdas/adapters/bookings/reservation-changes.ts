import type { ChangeClaim, ChangeStore } from '../../domain/bookings/ports';
import type { CustomerUsage, LimitRefusal } from '../../domain/bookings/limits';
import type { PendingChange, Reservation } from '../../domain/bookings/reservation';
import { intervalOf } from '../../domain/bookings/reservation';
import { HANDOVER_CLAIM_MS } from '../../domain/bookings/policy';
import { changeBlockId } from '../../domain/fleet/availability';
import type { Car } from '../../domain/fleet/car';
import type { StockBlock, StockCalendar } from '../../domain/fleet/stock';
import { failedCondition, writeItem, type TransactItem } from '../dynamo-conflicts';
import { DynamoReservationStore } from './reservation-store';
import { toReservationItem } from './reservation-item';
import { recountItem } from './customer-ledger';

/**
 * The reservations store with changes (bookings/change.ts): only the change function writes them, so
 * the others' bundles do without this code. A change is claimed on the reservation with a second block
 * on the car (and on each stocked extra's calendar) beside the reservation's own, lapsing with the
 * claim; it lands, or is released, conditional on that claim.
 */
export class DynamoReservationChanges extends DynamoReservationStore implements ChangeStore {
  /** The stock clauses of a change: its extras' calendars as `set` (each clause may also remove). */
  private changeStockClauses(
    r: Reservation,
    extras: ReadonlyArray<{ code: string; quantity: number }>,
    block: (code: string, quantity: number) => { set?: StockBlock; remove?: string; unchangedSince?: StockCalendar; stillThere?: true },
    now: Date,
  ): TransactItem[] {
    return extras.map(({ code, quantity }) => this.stockCalendars().clause(r.car.location, code, { ...block(code, quantity), now }));
  }

  async claimChange(
    r: Reservation,
    change: PendingChange,
    judged: { car: Car; stock: StockCalendar[]; admit: (otherUsage: CustomerUsage[]) => LimitRefusal | undefined },
    now: Date,
    staleBefore: string,
  ): Promise<ChangeClaim> {
    const { car, stock } = judged;
    const ledger = await this.ledger.read(r.userId, now.getTime());
    const refused = judged.admit(ledger.usage.filter((u) => u.reservationId !== r.reservationId));
    if (refused) return { kind: 'refused', refused };
    const to = { ...r, ...change.to };
    const lapses = { status: 'Pending' as const, holdExpiresAt: Date.parse(change.at) + HANDOVER_CLAIM_MS };
    const id = changeBlockId(r.reservationId);
    const seenStock = (code: string) => stock.find((c) => c.code === code);
    const reasons = await this.transact([
      this.transition(
        r,
        [r.status],
        { change },
        { ...this.unclaimed(['change', r.status === 'Active' ? 'dropoff' : 'pickup'], staleBefore), seenAt: r.updatedAt },
      ),
      // The new interval, beside the old: judged free on the calendar as read.
      this.carRepository().blockClause(r.carId, {
        set: { ...this.blockOf(to), id, ...lapses },
        unchangedSince: car,
        activeAt: r.car.location,
        now,
      }),
      ...this.changeStockClauses(
        r,
        this.stocked(to),
        (code, quantity) => ({ set: { id, ...intervalOf(to), quantity, ...lapses }, unchangedSince: seenStock(code) }),
        now,
      ),
      // Its count against the customer's limits: the new interval, admitted on the usage judged.
      recountItem(this.tableName, to, ledger),
    ]);
    if (!reasons) return { kind: 'claimed' };
    return failedCondition(reasons[0]) ? { kind: 'busy' } : { kind: 'stale' };
  }

  async releaseChange(r: Reservation, change: PendingChange, now: Date): Promise<void> {
    const id = changeBlockId(r.reservationId);
    await writeItem(
      this.db,
      this.transition(
        r,
        [r.status],
        {},
        {
          remove: ['change'],
          extraCondition: 'change.#changeId = :changeId',
          names: { '#changeId': 'changeId' },
          values: { ':changeId': change.changeId },
        },
      ),
    );
    await writeItem(this.db, this.carRepository().blockClause(r.carId, { remove: id, now }));
    for (const clause of this.changeStockClauses(r, this.stocked({ ...r, ...change.to }), () => ({ remove: id }), now))
      await writeItem(this.db, clause);
  }

  async commitChange(r: Reservation, change: PendingChange, now: Date, dueMs: number | undefined): Promise<boolean> {
    const changed: Reservation = { ...r, ...change.to, updatedAt: now.toISOString() };
    const id = changeBlockId(r.reservationId);
    const keys = toReservationItem(changed);
    const newCodes = new Set(this.stocked(changed).map((e) => e.code));
    const status = { status: 'Confirmed' as const };
    const reasons = await this.transact([
      this.transition(
        r,
        [r.status],
        {
          ...change.to,
          change: { ...change, landed: true },
          changeIds: [...(r.changeIds ?? []), change.changeId],
          updatedAt: changed.updatedAt,
          gsi1sk: keys.gsi1sk,
          gsi2sk: keys.gsi2sk,
        },
        {
          remove: change.to.extras ? [] : ['extras'],
          ...(dueMs === undefined ? {} : { due: dueMs }),
          extraCondition: 'change.#changeId = :changeId',
          names: { '#changeId': 'changeId' },
          values: { ':changeId': change.changeId },
        },
      ),
      // The reservation's own block takes the new interval; the change's second block, still there
      // (not lapsed and dropped by another write), comes off.
      this.carRepository().blockClause(r.carId, {
        set: { ...this.blockOf(changed), ...status },
        remove: id,
        stillThere: true,
        now,
      }),
      ...this.changeStockClauses(
        r,
        this.stocked(changed),
        (_code, quantity) => ({ set: { id: r.reservationId, ...intervalOf(changed), quantity, ...status }, remove: id }),
        now,
      ),
      // Extras it no longer takes go back.
      ...this.changeStockClauses(
        r,
        this.stocked(r).filter((e) => !newCodes.has(e.code)),
        () => ({ remove: r.reservationId }),
        now,
      ),
      // Its count against the customer's limits: the new interval.
      this.ledger.count(changed),
    ]);
    return !reasons;
  }
}
