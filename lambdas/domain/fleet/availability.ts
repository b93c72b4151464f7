import { holdsCar } from '../bookings/reservation';
import type { Period } from './period';

/**
 * Availability without reading reservations: every car item carries its blocks, a map keyed by
 * reservation or maintenance-block id, kept in step by the booking transactions (the per-day lock
 * items in the reservations table stay the source of truth against double booking; the blocks only let
 * search filter cars in memory from the one item it reads anyway).
 */
interface Span {
  /** Reservation id, or maintenance block id: the key of the block in the car's map. */
  id: string;
  /** First blocked day, `YYYY-MM-DD`. */
  from: string;
  /** Day the car is free again (exclusive), `YYYY-MM-DD`. */
  to: string;
}

/** A reservation's block mirrors the reservation's status and hold, so `holdsCar` decides for both. */
export type ReservationBlock = Span & { kind: 'reservation'; status: 'Pending' | 'Confirmed'; holdExpiresAt?: number };
export type MaintenanceBlock = Span & { kind: 'maintenance'; reason: string };
export type Block = ReservationBlock | MaintenanceBlock;

/** A lapsed hold does not block, even before the sweeper has removed it (the one rule of `holdsCar`). */
export const isBlocking = (block: Block, nowMs: number): boolean => block.kind === 'maintenance' || holdsCar(block, nowMs);

/** Half-open day ranges overlap when each starts before the other ends. */
export const overlaps = (a: Pick<Block, 'from' | 'to'>, period: Period): boolean => a.from < period.endDate && period.startDate < a.to;

/** A car is free for a period exactly when none of its blocking blocks overlaps it. */
export const isFreeFor = (blocks: readonly Block[], period: Period, nowMs: number): boolean =>
  !blocks.some((block) => isBlocking(block, nowMs) && overlaps(block, period));

/** Blocks that no longer matter (ended before `today`, or lapsed holds): the writes that touch a car drop them. */
export const endedBlocks = (blocks: readonly Block[], today: string, nowMs: number): Block[] =>
  blocks.filter((block) => block.to <= today || !isBlocking(block, nowMs));
