import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { countsAt, type CustomerUsage } from '../../domain/bookings/limits';
import { intervalOf, isFinal, type Reservation } from '../../domain/bookings/reservation';
import { dayInterval } from '../../domain/fleet/interval';
import { IDEMPOTENCY_KEY_MS, type RequestClaim } from '../../domain/idempotency';
import { writeItem, type TransactItem } from '../dynamo-conflicts';
import { getInOrder, queryAll } from '../dynamodb';
import { claimKey, customerPartition, fromReservationItem, reservationKey } from './reservation-item';

/**
 * One item per customer: what counts against their booking limits and the live claims of their
 * booking requests, as the car item's blocks are the car's calendar. A request is admitted by one
 * write of this item conditional on its version (`v`), so two requests judged on the same usage
 * cannot both land; every later change of a reservation's count is a plain write of its own attribute
 * (no version bump: those only ever shorten or keep what counts, so a request judged before them is
 * judged on at least as much usage, never less).
 *
 *   pk CUSTOMER#<userId>  sk LEDGER
 *     v              the admission version
 *     u_<resId>      { f, r, u? }  its interval [f, r) in epoch ms; `u` while it is a request or hold
 *     c_<claim key>  { id, p?, t } the reservation a request's key names, its fingerprint (Idempotency-Key
 *                                  claims; a REQ# key is its fingerprint), and until when
 *     lc             until when claims written before the ledger (their own CLAIM# items) may still be live
 *
 * Top-level attributes, not maps, so any write can SET or REMOVE one without the item existing first.
 * Before the ledger, usage was one item per reservation in the same partition (sk RES#<id>, plus a
 * VERSION item): the first admission of a customer with no version folds those that still count in.
 */
const USAGE = 'u_';
const CLAIM = 'c_';
const SK = 'LEDGER';

export const ledgerKey = (userId: string) => ({ pk: customerPartition(userId), sk: SK });

/** A live claim as the ledger keeps it. */
export interface LedgerClaim {
  key: string;
  reservationId: string;
  fingerprint: string;
  until: number;
}

export interface Ledger {
  version?: number;
  usage: CustomerUsage[];
  claims: LedgerClaim[];
  /** Until when claims written before the ledger may still be live. */
  legacyClaimsUntil?: number;
  /** Attributes that no longer count (pruned by the next admission). */
  stale: string[];
  /** Usage folded in from the items written before the ledger (written by the next admission). */
  folded: CustomerUsage[];
}

type Entry = { f: number; r: number; u?: number };

const entryOf = (u: Pick<CustomerUsage, 'fromMs' | 'readyMs' | 'until'>): Entry => ({
  f: u.fromMs,
  r: u.readyMs,
  ...(u.until === undefined ? {} : { u: u.until }),
});

/** A reservation's usage: a request or hold counts until `until`; a booking (no `until`) until its car is ready. */
export const usageOf = (r: Reservation, until?: number): CustomerUsage => ({
  reservationId: r.reservationId,
  ...intervalOf(r),
  ...(until === undefined ? {} : { until }),
});

/**
 * An admission, as a transaction item: `sets` (attribute, value) and the usage folded in from before the
 * ledger written, `removes` dropped (unless written), the version bumped, all conditional on the version
 * `ledger` was read at, so a request judged meanwhile is judged again on it.
 */
const admissionItem = (
  tableName: string,
  userId: string,
  ledger: Ledger,
  sets: ReadonlyArray<readonly [string, unknown]>,
  removes: readonly string[] = [],
): TransactItem => {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':next': (ledger.version ?? 0) + 1 };
  const clauses = ['v = :next'];
  const name = (attr: string) => {
    const alias = `#a${Object.keys(names).length}`;
    names[alias] = attr;
    return alias;
  };
  for (const [attr, value] of [...sets, ...ledger.folded.map((u) => [USAGE + u.reservationId, entryOf(u)] as const)]) {
    const alias = name(attr);
    values[`:${alias.slice(1)}`] = value;
    clauses.push(`${alias} = :${alias.slice(1)}`);
  }
  const written = new Set(Object.values(names));
  const removed = removes.filter((attr) => !written.has(attr)).map(name);
  if (ledger.version !== undefined) values[':seen'] = ledger.version;
  return {
    Update: {
      TableName: tableName,
      Key: ledgerKey(userId),
      UpdateExpression: `SET ${clauses.join(', ')}${removed.length ? ` REMOVE ${removed.join(', ')}` : ''}`,
      ConditionExpression: ledger.version === undefined ? 'attribute_not_exists(v)' : 'v = :seen',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

/**
 * A reservation's count moved to another interval (a change, which may count for longer), as an
 * admission. A function, not a method: only the change's function writes it, and the other bundles
 * leave it out.
 */
export const recountItem = (tableName: string, r: Reservation, ledger: Ledger): TransactItem =>
  admissionItem(tableName, r.userId, ledger, [[USAGE + r.reservationId, entryOf(usageOf(r))]]);

export class CustomerLedger {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The ledger read strongly, with what no longer counts at `nowMs` set aside. */
  async read(userId: string, nowMs: number): Promise<Ledger> {
    const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: ledgerKey(userId), ConsistentRead: true }));
    const item = res.Item ?? {};
    const ledger: Ledger = {
      version: typeof item.v === 'number' ? item.v : undefined,
      legacyClaimsUntil: typeof item.lc === 'number' ? item.lc : undefined,
      usage: [],
      claims: [],
      stale: [],
      folded: [],
    };
    for (const [name, value] of Object.entries(item)) {
      if (name.startsWith(USAGE)) {
        const e = value as Entry;
        const usage: CustomerUsage = {
          reservationId: name.slice(USAGE.length),
          fromMs: e.f,
          readyMs: e.r,
          ...(e.u === undefined ? {} : { until: e.u }),
        };
        if (countsAt(usage, nowMs)) ledger.usage.push(usage);
        else ledger.stale.push(name);
      } else if (name.startsWith(CLAIM)) {
        const c = value as { id: string; p?: string; t: number };
        const key = name.slice(CLAIM.length);
        if (c.t < nowMs) ledger.stale.push(name);
        else ledger.claims.push({ key, reservationId: c.id, fingerprint: c.p ?? key.slice(key.indexOf('#') + 1), until: c.t });
      }
    }
    if (ledger.version === undefined) await this.fold(userId, ledger, nowMs);
    return ledger;
  }

  /**
   * The usage items written before the ledger whose reservations still count (read strongly: a
   * reservation that ended may have left its item behind), to be written into it by the next admission.
   */
  private async fold(userId: string, ledger: Ledger, nowMs: number): Promise<void> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': customerPartition(userId) },
      ConsistentRead: true,
    });
    const old = items.filter((i) => String(i.sk).startsWith('RES#'));
    // Only a customer who booked before the ledger can have claims of their own items still live.
    if (items.some((i) => i.sk === 'VERSION')) ledger.legacyClaimsUntil = nowMs + IDEMPOTENCY_KEY_MS;
    const known = new Set(ledger.usage.map((u) => u.reservationId));
    const reservations = await getInOrder(
      this.db,
      this.tableName,
      old.filter((i) => !known.has(String(i.reservationId))).map((i) => reservationKey(String(i.reservationId))),
    );
    const live = new Set(
      reservations
        .map(fromReservationItem)
        .filter((r) => !isFinal(r.status))
        .map((r) => r.reservationId),
    );
    for (const i of old) {
      if (!live.has(String(i.reservationId))) continue;
      const interval =
        typeof i.fromMs === 'number' && typeof i.readyMs === 'number'
          ? { fromMs: i.fromMs, readyMs: i.readyMs }
          : dayInterval({ startDate: String(i.startDate), endDate: String(i.endDate) });
      const usage: CustomerUsage = {
        reservationId: String(i.reservationId),
        ...interval,
        ...(typeof i.until === 'number' ? { until: i.until } : {}),
      };
      if (countsAt(usage, nowMs)) ledger.folded.push(usage);
    }
    ledger.usage.push(...ledger.folded);
  }

  /** A claim written before the ledger, while such claims may still be live. */
  async legacyClaim(userId: string, ledger: Ledger, claim: RequestClaim, nowMs: number): Promise<LedgerClaim | undefined> {
    if ((ledger.legacyClaimsUntil ?? 0) < nowMs) return undefined;
    const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: claimKey(userId, claim.key), ConsistentRead: true }));
    const item = res.Item;
    if (!item || Number(item.claimUntil) < nowMs || typeof item.reservationId !== 'string') return undefined;
    return { key: claim.key, reservationId: item.reservationId, fingerprint: String(item.fingerprint), until: Number(item.claimUntil) };
  }

  /**
   * Admits a request: its usage and claims written, what stopped counting dropped, the version bumped,
   * all conditional on the version `ledger` was read at. False when another admission landed first.
   */
  async admit(userId: string, ledger: Ledger, usage: CustomerUsage, claims: RequestClaim[], reservationId: string): Promise<boolean> {
    const sets: Array<readonly [string, unknown]> = [
      [USAGE + reservationId, entryOf(usage)],
      ...claims.map(
        (c) => [CLAIM + c.key, { id: reservationId, t: c.until, ...(c.key.startsWith('REQ#') ? {} : { p: c.fingerprint }) }] as const,
      ),
      ...(ledger.legacyClaimsUntil !== undefined ? [['lc', ledger.legacyClaimsUntil] as const] : []),
    ];
    return writeItem(this.db, admissionItem(this.tableName, userId, ledger, sets, ledger.stale));
  }

  /** Sets what a reservation counts (its hold's expiry, or a booking's whole interval), as a transaction item. */
  count(r: Reservation, until?: number): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: ledgerKey(r.userId),
        UpdateExpression: 'SET #u = :u',
        ExpressionAttributeNames: { '#u': USAGE + r.reservationId },
        ExpressionAttributeValues: { ':u': entryOf(usageOf(r, until)) },
      },
    };
  }

  /** Drops a reservation's count, and with `claims` the claims that still name it, as a transaction item. */
  forget(r: Reservation, claims: RequestClaim[] = []): TransactItem {
    const names: Record<string, string> = { '#u': USAGE + r.reservationId };
    claims.forEach((c, i) => (names[`#c${i}`] = CLAIM + c.key));
    const claimNames = claims.map((_, i) => `#c${i}`);
    return {
      Update: {
        TableName: this.tableName,
        Key: ledgerKey(r.userId),
        UpdateExpression: `REMOVE #u${claimNames.map((n) => `, ${n}`).join('')}`,
        // A claim another request has taken over meanwhile stays.
        ...(claims.length
          ? {
              ConditionExpression: claimNames.map((n) => `(attribute_not_exists(${n}) OR ${n}.id = :id)`).join(' AND '),
              ExpressionAttributeValues: { ':id': r.reservationId },
            }
          : {}),
        ExpressionAttributeNames: names,
      },
    };
  }

  /** Sends one of the items above on its own; false when its condition failed. */
  write(item: TransactItem): Promise<boolean> {
    return writeItem(this.db, item);
  }
}
