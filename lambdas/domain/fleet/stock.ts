import type { LocationCode } from './catalog';
import { holdsCar, isOwnBlock } from './availability';
import { peakWithin, type Interval } from './interval';

/**
 * A location's physical extras (child seats, GPS units) are booked like its cars: each extra has a
 * calendar item with one block per reservation that takes some, under a version, and a hold that takes
 * some is decided by a write conditional on that version, in the same transaction as the car's. So the
 * (N+1)th overlapping booking of N child seats is refused by the database, as a car's second is.
 */
export interface StockBlock extends Interval {
  /** The reservation's id. */
  id: string;
  quantity: number;
  /** As the car's block: Pending with a hold (a lapsed one takes nothing), or Confirmed. */
  status: 'Pending' | 'Confirmed';
  holdExpiresAt?: number;
}

export interface StockCalendar {
  location: LocationCode;
  code: string;
  blocks: StockBlock[];
  /** Every change of `blocks` adds one; 0 for a calendar never written. */
  version: number;
}

/** Whether `quantity` more fit within `stock` over `wanted`, besides reservation `except`'s own (and its change's). */
export const stockFits = (
  calendar: StockCalendar,
  wanted: Interval,
  quantity: number,
  stock: number,
  nowMs: number,
  except?: string,
): boolean => {
  const taken = calendar.blocks
    .filter((b) => !(except && isOwnBlock(b.id, except)) && holdsCar(b, nowMs))
    .map((b) => ({ ...b, weight: b.quantity }));
  return peakWithin(taken, wanted) + quantity <= stock;
};

/** Blocks that no longer take anything (over, or lapsed holds): the writes that touch the calendar drop them. */
export const endedStock = (blocks: readonly StockBlock[], nowMs: number): StockBlock[] =>
  blocks.filter((b) => b.readyMs <= nowMs || !holdsCar(b, nowMs));
