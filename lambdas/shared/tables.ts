/**
 * The DynamoDB data model, declared once. The CDK stack creates these tables from it, the local runtime
 * creates the same tables in DynamoDB Local from it, and the repositories take index names from it, so
 * the three can never drift. All key attributes are strings; generic names (pk/sk/gsiNpk) let one table
 * hold several item types (see README "Data model" for every item and access pattern).
 */
export interface IndexDefinition {
  name: string;
  partitionKey: string;
  sortKey?: string;
  /** 'ALL', 'KEYS_ONLY', or the non-key attributes to project. */
  projection: 'ALL' | 'KEYS_ONLY' | readonly string[];
}

export interface TableDefinition {
  /** Stable id: CDK construct id and key of `tables`. */
  id: TableId;
  /** Environment variable that carries the deployed table name into a function. */
  envVar: string;
  partitionKey: string;
  sortKey?: string;
  indexes: readonly IndexDefinition[];
  /** Epoch-seconds attribute DynamoDB uses to expire items. */
  ttlAttribute?: string;
  /** A stream of item changes with new and old images, for a function whose trigger names this table. */
  stream?: boolean;
  description: string;
}

export type TableId = 'users' | 'cars' | 'reservations' | 'feedback';

const gsi = (n: number, name: string, projection: IndexDefinition['projection'] = 'ALL'): IndexDefinition => ({
  name,
  partitionKey: `gsi${n}pk`,
  sortKey: `gsi${n}sk`,
  projection,
});

export const tables: Record<TableId, TableDefinition> = {
  users: {
    id: 'users',
    envVar: 'USERS_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [],
    // Email verification codes only: DynamoDB drops one once it no longer matters.
    ttlAttribute: 'purgeAt',
    description: 'Profiles keyed by Cognito sub (USER#<id>), their email verification codes, and one EMAIL#<email> guard item per address.',
  },
  cars: {
    id: 'cars',
    envVar: 'CARS_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    // Search index: partition = location + write shard, sort = type#price#carId. Sparse: a removed car
    // loses its gsi1 attributes and so leaves search without a filter.
    indexes: [gsi(1, 'byLocation')],
    // Admins' Idempotency-Key claims only (adapters/claims.ts): dropped once they lapse.
    ttlAttribute: 'expiresAt',
    description:
      "Cars (CAR#<id>) with their rating totals and own rate card, their photos, per-location counters (LOCATIONS / <code>), each location's pricing rules and extras (PRICING#<code>), and the rating aggregator's mark per feedback (RATING#<feedbackId>).",
  },
  reservations: {
    id: 'reservations',
    envVar: 'RESERVATIONS_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      // Keys only: a change of state (status, hold, refund...) then writes neither index, only the table.
      // Their readers Query the keys and BatchGet the items (reservation-store.ts). A projection cannot
      // change in place, hence the new names (the ALL-projected byUser/byCar they replace: docs/operations.md).
      gsi(1, 'byUserKeys', 'KEYS_ONLY'),
      gsi(2, 'byCarKeys', 'KEYS_ONLY'),
      // Sparse: only reservations the sweeper must act on (resend, expire, remind, complete) carry gsi3.
      // Keys only too: a hold changes the reservation without moving its due time, and with all
      // attributes projected that alone would be an index write per booking. The sweeper reads the items.
      gsi(3, 'byDueKeys', 'KEYS_ONLY'),
    ],
    ttlAttribute: 'expiresAt',
    description:
      'Reservations (RES#<id>), admins’ maintenance-block claims (CLAIM#...), and one ledger per customer (CUSTOMER#<userId>/LEDGER): what counts against their booking limits and their requests’ claims.',
  },
  feedback: {
    id: 'feedback',
    envVar: 'FEEDBACK_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    // byCar is sparse: hidden feedback loses its gsi1 keys and so leaves the public list without a filter.
    indexes: [gsi(1, 'byCar'), gsi(2, 'byUser')],
    // The rating aggregator reads the changes (hides and unhides included) from the stream.
    stream: true,
    description: 'Feedback (FEEDBACK#<id>), at most one per reservation (the reservation item records its feedbackId).',
  },
};

export const tableList: readonly TableDefinition[] = Object.values(tables);
