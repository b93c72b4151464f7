/**
 * Write capacity as DynamoDB bills it, for the booking benchmark.
 *
 * DynamoDB Local answers ReturnConsumedCapacity, but for TransactWriteItems it rounds the summed size
 * of all items of a table up to the next KB once, instead of each item: eight small day locks in one
 * transaction are reported as 2 WCU where DynamoDB bills 16 (2 WCU per KB per item, rounded up per
 * item). So the benchmark also computes the bill itself: this module follows every item the handlers
 * write (Put items as sent, Update expressions applied to a copy of the item, deletes), knows each
 * item's size before and after each write, and prices it by DynamoDB's rules:
 *
 *   - table: 1 WCU per KB (rounded up) of the larger of the old and new item; 2 for a transactional write;
 *   - each global secondary index the item is (or was) in: 1 WCU per KB of the projected item, twice (a
 *     delete and a put) when the index key changes, none when nothing projected changed. Index writes
 *     are priced at the standard rate even inside a transaction: an assumption to verify (DynamoDB Local
 *     doubles them; `gsiTransactional` reports that variant too).
 *
 * Item sizes follow DynamoDB's rules closely (names + values; numbers by digits) but not to the byte.
 */
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { tableList, type TableDefinition } from '../lambdas/shared/tables';

type Item = Record<string, unknown>;
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** DynamoDB's item size: attribute names plus values (numbers about one byte per two digits). */
export const itemBytes = (value: unknown): number => {
  if (value === null) return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') return Math.ceil(String(value).replace(/^-|\./g, '').length / 2) + 1;
  if (typeof value === 'boolean') return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((n: number, v) => n + itemBytes(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((n: number, v) => n + 1 + itemBytes(v), 0);
  if (typeof value === 'object') {
    return 3 + Object.entries(value as Item).reduce((n, [k, v]) => (v === undefined ? n : n + Buffer.byteLength(k) + 1 + itemBytes(v)), 0);
  }
  return 0;
};

/** Top-level item size (no map overhead for the item itself). */
const sizeOf = (item: Item | undefined): number =>
  item ? Object.entries(item).reduce((n, [k, v]) => (v === undefined ? n : n + Buffer.byteLength(k) + itemBytes(v)), 0) : 0;
const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const clone = <T>(v: T): T => structuredClone(v);
const equal = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Splits at top-level commas (not inside parentheses). */
const splitTop = (text: string): string[] => {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter(Boolean);
};

export class UnsupportedExpression extends Error {}

/** Applies an UpdateExpression (SET, REMOVE, ADD; paths with #names and dots; if_not_exists) to a copy of the item. */
export const applyUpdate = (item: Item | undefined, key: Item, input: Item): Item => {
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Item;
  const next: Item = item ? clone(item) : { ...key };
  const path = (text: string) =>
    text
      .trim()
      .split('.')
      .map((p) => {
        if (/\[/.test(p)) throw new UnsupportedExpression(`list index in ${text}`);
        return p.startsWith('#') ? (names[p] ?? p) : p;
      });
  const parentOf = (segments: string[], create: boolean): Item | undefined => {
    let at: Item = next;
    for (const s of segments.slice(0, -1)) {
      if (at[s] === undefined && create) at[s] = {};
      if (typeof at[s] !== 'object' || at[s] === null) return undefined;
      at = at[s] as Item;
    }
    return at;
  };
  const read = (segments: string[]) => parentOf(segments, false)?.[segments.at(-1)!];
  const operand = (text: string): unknown => {
    const t = text.trim();
    const ifNotExists = /^if_not_exists\s*\((.+),(.+)\)$/.exec(t);
    if (ifNotExists) return read(path(ifNotExists[1])) ?? operand(ifNotExists[2]);
    const arithmetic = /^(.+?)\s*([+-])\s*(.+)$/.exec(t);
    if (arithmetic && !t.startsWith(':')) {
      const [a, b] = [Number(operand(arithmetic[1]) ?? 0), Number(operand(arithmetic[3]) ?? 0)];
      return arithmetic[2] === '+' ? a + b : a - b;
    }
    if (t.startsWith(':')) return clone(values[t]);
    return read(path(t));
  };
  const expression = String(input.UpdateExpression ?? '');
  const clauses = expression.split(/\b(SET|REMOVE|ADD|DELETE)\b/).map((s) => s.trim());
  for (let i = 1; i < clauses.length; i += 2) {
    const [verb, body] = [clauses[i], clauses[i + 1] ?? ''];
    for (const part of splitTop(body)) {
      if (verb === 'SET') {
        const eq = part.indexOf('=');
        const target = path(part.slice(0, eq));
        parentOf(target, true)![target.at(-1)!] = operand(part.slice(eq + 1));
      } else if (verb === 'REMOVE') {
        const target = path(part);
        const parent = parentOf(target, false);
        if (parent) delete parent[target.at(-1)!];
      } else if (verb === 'ADD') {
        const [p, v] = part.split(/\s+/);
        const target = path(p);
        const parent = parentOf(target, true)!;
        const add = values[v];
        const current = parent[target.at(-1)!];
        parent[target.at(-1)!] =
          add instanceof Set ? new Set([...((current as Set<unknown>) ?? []), ...add]) : Number(current ?? 0) + Number(add);
      } else throw new UnsupportedExpression(`${verb} in ${expression}`);
    }
  }
  return next;
};

export interface Bill {
  /** WCU of the table items. */
  table: number;
  /** WCU of index writes at the standard rate, by index. */
  indexes: Record<string, number>;
}

/**
 * Follows the items the system writes and prices each write. Items it has not seen (written before it
 * was watching, and not given to `seed`) are priced as if absent before the write, and counted.
 */
export class WriteCapacityModel {
  private readonly items = new Map<string, Item>();
  private readonly defs = new Map<string, TableDefinition>();
  unknownItems = 0;
  unsupported = 0;

  constructor(tableNameOf: (table: TableDefinition) => string) {
    for (const def of tableList) this.defs.set(tableNameOf(def), def);
  }

  private keyOf(table: string, item: Item): string {
    const def = this.defs.get(table);
    const parts = def ? [def.partitionKey, def.sortKey].filter((k): k is string => !!k) : Object.keys(item).sort();
    return `${table}|${parts.map((k) => String(item[k])).join('|')}`;
  }

  /** Items as they are before the watched writes (e.g. the cars, read before the run). */
  seed(table: string, items: Item[]) {
    for (const item of items) this.items.set(this.keyOf(table, item), clone(item));
  }

  /** One write's old and new item, without applying it. */
  private change(
    op: 'Put' | 'Update' | 'Delete' | 'ConditionCheck',
    body: Item,
  ): { table: string; key: string; before?: Item; after?: Item } {
    const table = String(body.TableName);
    const keyItem = (op === 'Put' ? body.Item : body.Key) as Item;
    const key = this.keyOf(table, keyItem);
    const before = this.items.get(key);
    if (!before && op !== 'Put') this.unknownItems++;
    if (op === 'Put')
      return { table, key, before, after: Object.fromEntries(Object.entries(body.Item as Item).filter(([, v]) => v !== undefined)) };
    if (op === 'Delete') return { table, key, before, after: undefined };
    if (op === 'ConditionCheck') return { table, key, before, after: before };
    try {
      return { table, key, before, after: applyUpdate(before, keyItem, body) };
    } catch (err) {
      if (!(err instanceof UnsupportedExpression)) throw err;
      this.unsupported++;
      return { table, key, before, after: before };
    }
  }

  /** The bill of one item's change. */
  private price(table: string, before: Item | undefined, after: Item | undefined, transactional: boolean): Bill {
    const bill: Bill = { table: kb(Math.max(sizeOf(before), sizeOf(after))) * (transactional ? 2 : 1), indexes: {} };
    const def = this.defs.get(table);
    for (const index of def?.indexes ?? []) {
      const keys = [index.partitionKey, index.sortKey].filter((k): k is string => !!k);
      const inIndex = (item?: Item) => !!item && keys.every((k) => item[k] !== undefined);
      const kept = new Set([
        ...keys,
        def!.partitionKey,
        ...(def!.sortKey ? [def!.sortKey] : []),
        ...(Array.isArray(index.projection) ? index.projection : []),
      ]);
      const projected = (item: Item): Item =>
        index.projection === 'ALL' ? item : Object.fromEntries(Object.entries(item).filter(([k]) => kept.has(k)));
      const [was, is] = [inIndex(before), inIndex(after)];
      let wcu = 0;
      if (was && is) {
        const [p0, p1] = [projected(before!), projected(after!)];
        // A changed index key is a delete of the old entry and a put of the new one.
        if (keys.some((k) => before![k] !== after![k])) wcu = kb(sizeOf(p0)) + kb(sizeOf(p1));
        else if (!equal(p0, p1)) wcu = kb(Math.max(sizeOf(p0), sizeOf(p1)));
      } else if (was) wcu = kb(sizeOf(projected(before!)));
      else if (is) wcu = kb(sizeOf(projected(after!)));
      if (wcu) bill.indexes[index.name] = wcu;
    }
    return bill;
  }

  /** Prices a write command's input; with `commit`, the items take their new values (call it only for writes that succeeded). */
  priceWrite(
    op: 'Put' | 'Update' | 'Delete' | 'TransactWrite' | 'BatchWrite',
    input: Item,
    commit: boolean,
  ): Bill & { byTable: Record<string, Bill> } {
    const bill: Bill & { byTable: Record<string, Bill> } = { table: 0, indexes: {}, byTable: {} };
    const writes: Array<{ op: 'Put' | 'Update' | 'Delete' | 'ConditionCheck'; body: Item }> = [];
    if (op === 'TransactWrite') {
      for (const t of input.TransactItems as TransactItem[]) {
        const [kind, body] = Object.entries(t).find(([, v]) => v !== undefined)! as [string, Item];
        writes.push({ op: kind as 'Put', body });
      }
    } else if (op === 'BatchWrite') {
      for (const [table, requests] of Object.entries(input.RequestItems as Record<string, Item[]>)) {
        for (const r of requests) {
          if (r.PutRequest) writes.push({ op: 'Put', body: { TableName: table, ...(r.PutRequest as Item) } });
          if (r.DeleteRequest) writes.push({ op: 'Delete', body: { TableName: table, ...(r.DeleteRequest as Item) } });
        }
      }
    } else writes.push({ op, body: input });

    const changes = writes.map((w) => ({ ...this.change(w.op, w.body), op: w.op }));
    for (const c of changes) {
      // A ConditionCheck is billed as a write of the item's size, and changes nothing.
      const one = this.price(c.table, c.before, c.op === 'ConditionCheck' ? c.before : c.after, op === 'TransactWrite');
      const per = (bill.byTable[c.table] ??= { table: 0, indexes: {} });
      for (const into of [bill, per]) {
        into.table += one.table;
        for (const [name, n] of Object.entries(one.indexes)) into.indexes[name] = (into.indexes[name] ?? 0) + n;
      }
    }
    if (commit) {
      for (const c of changes) {
        if (c.op === 'ConditionCheck') continue;
        if (c.after) this.items.set(c.key, c.after);
        else this.items.delete(c.key);
      }
    }
    return bill;
  }
}
