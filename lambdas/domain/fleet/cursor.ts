import { createHash } from 'node:crypto';
import { validationError } from '../../shared/errors';

/**
 * Search cursors are opaque to clients: base64url JSON of the sort order, the position of the last
 * car consumed (`<price>#<carId>`, which every shard's Query resumes after, since all shards share that
 * order; or, sorted by rating, that car's rating position) and a fingerprint of the filters, so a cursor replayed with other filters is refused.
 */
export type SortOrder = 'price' | '-price' | '-rating';

interface CursorState {
  sort: SortOrder;
  position: string;
  filters: string;
}

export const filtersFingerprint = (filters: unknown): string =>
  createHash('sha256').update(JSON.stringify(filters)).digest('base64url').slice(0, 16);

export const encodeCursor = (state: CursorState): string =>
  Buffer.from(JSON.stringify({ v: 1, s: state.sort, p: state.position, f: state.filters })).toString('base64url');

/** What a position looks like for each order (see search.ts: `pricePosition`, `ratingPosition`). */
const POSITION: Record<SortOrder, RegExp> = {
  price: /^\d{10}#[\w-]+$/,
  '-price': /^\d{10}#[\w-]+$/,
  '-rating': /^\d{2}#\d{6}#\d{10}#[\w-]+$/,
};

const malformed = () => validationError([{ field: 'query.cursor', message: 'The cursor is malformed or was made for another search.' }]);

export const decodeCursor = (cursor: string, expected: { sort: SortOrder; filters: string }): string => {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw malformed();
  }
  const state = raw as { v?: unknown; s?: unknown; p?: unknown; f?: unknown } | null;
  const valid =
    state !== null &&
    typeof state === 'object' &&
    state.v === 1 &&
    state.s === expected.sort &&
    state.f === expected.filters &&
    typeof state.p === 'string' &&
    POSITION[expected.sort].test(state.p);
  if (!valid) throw malformed();
  return state.p as string;
};
