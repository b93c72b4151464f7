import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ExtrasStock } from '../../domain/bookings/ports';
import type { LocationCode } from '../../domain/fleet/catalog';
import { endedStock, type StockBlock, type StockCalendar } from '../../domain/fleet/stock';
import type { PricingRules } from '../../domain/pricing/ports';
import { calendarClause } from '../calendar-clause';
import type { TransactItem } from '../dynamo-conflicts';

/**
 * A location's stock of one extra, in the cars table beside its cars' calendars:
 *   pk STOCK#<location>#<code>  sk STOCK  blocks { <reservationId>: { f, r, q, s, h? } }, blocksVersion
 * (f, r: the interval in epoch ms; q: how many; s: 'P' Pending | 'C' Confirmed; h: the hold's expiry).
 * Created by the first hold that takes some; how many the location has comes from its extras catalogue.
 */
const stockKey = (location: LocationCode, code: string) => ({ pk: `STOCK#${location}#${code}`, sk: 'STOCK' });

interface StoredStockBlock {
  f: number;
  r: number;
  q: number;
  s: 'P' | 'C';
  h?: number;
}

const toStored = (b: StockBlock): StoredStockBlock => ({
  f: b.fromMs,
  r: b.readyMs,
  q: b.quantity,
  s: b.status === 'Pending' ? 'P' : 'C',
  ...(b.holdExpiresAt === undefined ? {} : { h: b.holdExpiresAt }),
});

const fromStored = (id: string, s: StoredStockBlock): StockBlock => ({
  id,
  fromMs: s.f,
  readyMs: s.r,
  quantity: s.q,
  status: s.s === 'P' ? 'Pending' : 'Confirmed',
  ...(s.h === undefined ? {} : { holdExpiresAt: s.h }),
});

export class DynamoStockCalendars implements ExtrasStock {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly carsTable: string,
    private readonly pricing: Pick<PricingRules, 'location'>,
  ) {}

  async counts(location: LocationCode): Promise<Readonly<Record<string, number>>> {
    const stored = await this.pricing.location(location);
    return Object.fromEntries((stored.extras?.value ?? []).flatMap((e) => (e.stock === undefined ? [] : [[e.code, e.stock]])));
  }

  async calendar(location: LocationCode, code: string): Promise<StockCalendar> {
    const res = await this.db.send(new GetCommand({ TableName: this.carsTable, Key: stockKey(location, code), ConsistentRead: true }));
    const blocks = (res.Item?.blocks ?? {}) as Record<string, StoredStockBlock>;
    return {
      location,
      code,
      blocks: Object.entries(blocks).map(([id, b]) => fromStored(id, b)),
      version: Number(res.Item?.blocksVersion ?? 0),
    };
  }

  /**
   * A hold's block on the calendar as read (conditional on its version; creating the item when never
   * written), a confirmation's (`stillThere`), or a block taken off.
   */
  clause(
    location: LocationCode,
    code: string,
    change: { set?: StockBlock; remove?: string; unchangedSince?: StockCalendar; stillThere?: true; now: Date },
  ): TransactItem {
    const seen = change.unchangedSince;
    return calendarClause(this.carsTable, stockKey(location, code), {
      ...(change.set ? { set: { id: change.set.id, stored: toStored(change.set) } } : {}),
      ...(change.remove ? { remove: change.remove } : {}),
      ...(seen ? { unchangedSince: { version: seen.version, ended: endedStock(seen.blocks, change.now.getTime()).map((b) => b.id) } } : {}),
      ...(change.stillThere ? { stillThere: true as const } : {}),
      mayBeNew: true,
    });
  }
}
