import type { TransactItem } from './dynamo-conflicts';

/**
 * A calendar item: a map `blocks` (id -> stored block) under a counter `blocksVersion`. A car's
 * calendar and a location's stock of an extra are both one (fleet/car-repository.ts, bookings'
 * stock calendars). Every change is one block set or removed, and adds one to the version.
 */
export interface CalendarChange {
  /** The block to set: its id and its stored form. */
  set?: { id: string; stored: unknown };
  remove?: string;
  /**
   * Optimistic locking: the version the calendar was read at, and the ids of the blocks that had ended
   * in that read. The write lands only while the version is still that one, and drops those blocks on
   * the way (never without the condition: a hold that looked lapsed may have been paid for since).
   */
  unchangedSince?: { version: number; ended: readonly string[] };
  /** The block set or removed must be there already (a hold being confirmed, a hold taken off). */
  stillThere?: true;
  /**
   * Conditions of the item itself, ANDed (e.g. the car active at a location), and other attributes the
   * same write sets (`sets`: `#name = :value` clauses; a car moved to another location by a return).
   */
  also?: { expression: string; names: Record<string, string>; values: Record<string, unknown>; sets?: readonly string[] };
  /** The item may not exist (a calendar never written, version 0): then the block creates it. */
  mayBeNew?: boolean;
}

/**
 * The write of a calendar change, for a transaction or on its own: `SET blocks.#id` or `REMOVE
 * blocks.#id`, plus `REMOVE` of the ended blocks as seen, so the map stays small without a
 * read-modify-write.
 */
export const calendarClause = (tableName: string, key: { pk: string; sk: string }, change: CalendarChange): TransactItem => {
  const seen = change.unchangedSince?.version;
  if (change.mayBeNew && seen === 0 && change.set) {
    return {
      Put: {
        TableName: tableName,
        Item: { ...key, blocks: { [change.set.id]: change.set.stored }, blocksVersion: 1 },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }
  const names: Record<string, string> = { ...change.also?.names };
  const values: Record<string, unknown> = { ':one': 1, ...change.also?.values };
  const removes: string[] = [];
  const sets: string[] = [...(change.also?.sets ?? [])];
  if (change.set) {
    names['#set'] = change.set.id;
    values[':block'] = change.set.stored;
    sets.push('blocks.#set = :block');
  }
  if (change.remove) {
    names['#rm'] = change.remove;
    removes.push('blocks.#rm');
  }
  (change.unchangedSince?.ended ?? [])
    .filter((id) => id !== change.set?.id && id !== change.remove)
    .forEach((id, i) => {
      names[`#e${i}`] = id;
      removes.push(`blocks.#e${i}`);
    });
  const conditions = ['attribute_exists(pk)'];
  if (seen !== undefined) {
    // An item no booking ever touched may predate the counter: version 0 is its absence too.
    conditions.push(seen === 0 ? '(blocksVersion = :seenVersion OR attribute_not_exists(blocksVersion))' : 'blocksVersion = :seenVersion');
    values[':seenVersion'] = seen;
  }
  if (change.stillThere && change.set) conditions.push('attribute_exists(blocks.#set)');
  if (change.stillThere && change.remove) conditions.push('attribute_exists(blocks.#rm)');
  if (change.also) conditions.push(change.also.expression);
  return {
    Update: {
      TableName: tableName,
      Key: key,
      UpdateExpression: `${sets.length ? `SET ${sets.join(', ')} ` : ''}${removes.length ? `REMOVE ${removes.join(', ')} ` : ''}ADD blocksVersion :one`,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};
