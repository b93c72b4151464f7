import { occupies, type Interval } from './interval';

/**
 * A block on a car, kept in the car item's `blocks` map (keyed by reservation or maintenance-block id)
 * by the booking transactions, under the car's `blocksVersion`: the calendar a hold is decided on.
 * `from`/`to` are the v1 days a block was asked for, when it was (shown back by v1).
 */
interface Span extends Interval {
  /** Reservation id, or maintenance block id: the key of the block in the car's map. */
  id: string;
  from?: string;
  to?: string;
}

/** A reservation's block mirrors the reservation's status and hold, so `holdsCar` decides for both. */
export type ReservationBlock = Span & { kind: 'reservation'; status: 'Pending' | 'Confirmed'; holdExpiresAt?: number };
export type MaintenanceBlock = Span & { kind: 'maintenance'; reason: string; from: string; to: string };
export type Block = ReservationBlock | MaintenanceBlock;

/**
 * The id of the second block a reservation's change holds while under way (bookings/change.ts): a
 * Pending hold lapsing with the change's claim, beside the reservation's own block. A reservation is
 * never in its own way, in either.
 */
export const changeBlockId = (reservationId: string): string => `${reservationId}#change`;
export const isOwnBlock = (blockId: string, reservationId: string): boolean =>
  blockId === reservationId || blockId === changeBlockId(reservationId);

/**
 * THE rule: does a reservation (or its block) hold its car right now? Pending with a live hold, or
 * Confirmed. Search, booking and the fleet's 409s all ask it; bookings/reservation.ts re-exports it.
 */
export const holdsCar = (r: { status: string; holdExpiresAt?: number }, nowMs: number): boolean =>
  r.status === 'Confirmed' || r.status === 'Active' || (r.status === 'Pending' && r.holdExpiresAt !== undefined && r.holdExpiresAt > nowMs);

/** A lapsed hold does not block, even before the sweeper has removed it (the one rule of `holdsCar`). */
export const isBlocking = (block: Block, nowMs: number): boolean => block.kind === 'maintenance' || holdsCar(block, nowMs);

/** The blocks that stand in the way of `wanted` right now (lapsed holds never do). */
export const blockersOf = (blocks: readonly Block[], wanted: Interval, nowMs: number): Block[] =>
  blocks.filter((block) => isBlocking(block, nowMs) && occupies(block, wanted));

/** A car is free for an interval exactly when none of its blocking blocks occupies it. */
export const isFreeFor = (blocks: readonly Block[], wanted: Interval, nowMs: number): boolean =>
  blockersOf(blocks, wanted, nowMs).length === 0;

/** Blocks that no longer matter (over, or lapsed holds): the writes that touch a car drop them. */
export const endedBlocks = (blocks: readonly Block[], nowMs: number): Block[] =>
  blocks.filter((block) => block.readyMs <= nowMs || !isBlocking(block, nowMs));
