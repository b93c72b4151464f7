import type { Block } from '../../domain/fleet/availability';
import { dayInterval, type Interval } from '../../domain/fleet/interval';

/** The long form: blocks written before the short one (below), and before times came (no `fromMs`). */
type LongBlock = Omit<Block, 'id' | 'fromMs' | 'readyMs'> & Partial<Interval>;

/**
 * The short form every write now uses. The car item holds every block still ahead, is rewritten by
 * every hold and is projected into the search index, so each byte of a block is paid on every booking
 * of the car (1 WCU per KB, twice in a transaction, plus the index): one-letter names and values keep a
 * block, with its id, at about 60% of the long form's size (a hold: 75 bytes instead of 122).
 *   k  'R' reservation | 'M' maintenance        f, r  fromMs, readyMs
 *   s  'P' Pending | 'C' Confirmed              h     holdExpiresAt
 *   d  '<from>/<to>' v1 days, when asked for    n     a maintenance block's reason
 */
export interface ShortBlock {
  k: 'R' | 'M';
  f: number;
  r: number;
  s?: 'P' | 'C';
  h?: number;
  d?: string;
  n?: string;
}

/** A block as the car item stores it (short form; the id is its key in the map). */
export const toStoredBlock = (block: Block): ShortBlock => ({
  k: block.kind === 'reservation' ? 'R' : 'M',
  f: block.fromMs,
  r: block.readyMs,
  ...(block.kind === 'reservation' ? { s: block.status === 'Pending' ? ('P' as const) : ('C' as const) } : {}),
  ...(block.kind === 'reservation' && block.holdExpiresAt !== undefined ? { h: block.holdExpiresAt } : {}),
  ...(block.from !== undefined && block.to !== undefined ? { d: `${block.from}/${block.to}` } : {}),
  ...(block.kind === 'maintenance' ? { n: block.reason } : {}),
});

/** A block as a car item may hold it, in either form. */
export type StoredBlock = LongBlock | ShortBlock;

/**
 * A block as stored, in either form. Long-form blocks written before times came (v1 days only, no
 * `fromMs`) read as their days' interval, the same one v1 gives its periods now: no migration is needed
 * for either form, and the next write of a block writes it short.
 */
export const toBlock = (id: string, stored: StoredBlock): Block => {
  if ('k' in stored) {
    const [from, to] = stored.d?.split('/') ?? [];
    const span = { id, fromMs: stored.f, readyMs: stored.r, ...(from && to ? { from, to } : {}) };
    return stored.k === 'R'
      ? {
          ...span,
          kind: 'reservation',
          status: stored.s === 'P' ? 'Pending' : 'Confirmed',
          ...(stored.h !== undefined ? { holdExpiresAt: stored.h } : {}),
        }
      : ({ ...span, kind: 'maintenance', reason: String(stored.n ?? '') } as Block);
  }
  return {
    ...stored,
    id,
    ...(typeof stored.fromMs === 'number' && typeof stored.readyMs === 'number'
      ? { fromMs: stored.fromMs, readyMs: stored.readyMs }
      : dayInterval({ startDate: String(stored.from), endDate: String(stored.to) })),
  } as Block;
};
