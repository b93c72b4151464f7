import type { Period } from './period';

/**
 * Availability without reading reservations: every car item carries a compact list of the periods
 * it is blocked for, kept up to date by the booking transaction (the per-day lock items in the
 * reservations table stay the source of truth against double booking; these blocks only let search
 * filter cars in memory from the one item it reads anyway).
 */
export type BlockKind = 'hold' | 'booking' | 'maintenance';

export interface Block {
  /** First blocked day, `YYYY-MM-DD`. */
  from: string;
  /** Day the car is free again (exclusive), `YYYY-MM-DD`. */
  to: string;
  kind: BlockKind;
  reservationId?: string;
  /** For a hold: epoch milliseconds after which it no longer blocks (payment not made in time). */
  holdExpiresAt?: number;
}

/** A lapsed hold does not block, even before the sweeper has removed it. */
export const isBlocking = (block: Block, nowMs: number): boolean =>
  block.kind !== 'hold' || (block.holdExpiresAt !== undefined && block.holdExpiresAt > nowMs);

/** Half-open day ranges overlap when each starts before the other ends. */
export const overlaps = (block: Pick<Block, 'from' | 'to'>, period: Period): boolean =>
  block.from < period.endDate && period.startDate < block.to;

/** A car is free for a period exactly when none of its blocking blocks overlaps it. */
export const isFreeFor = (blocks: readonly Block[], period: Period, nowMs: number): boolean =>
  !blocks.some((block) => isBlocking(block, nowMs) && overlaps(block, period));

/** Blocks that can still matter: drops those that ended before `today` and lapsed holds (keeps items small). */
export const pruneBlocks = (blocks: readonly Block[], today: string, nowMs: number): Block[] =>
  blocks.filter((block) => block.to > today && isBlocking(block, nowMs));
