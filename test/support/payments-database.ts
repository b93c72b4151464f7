import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { migrateDatabase, withSearchPath } from '../../lambdas/adapters/payments/migrate';
import { startPostgres } from '../../local/standins/postgres';

/**
 * A migrated payments database for one test file:
 *
 * - on the real PostgreSQL of DATABASE_URL (CI) unless `embedded`: a fresh schema `test_payments_<random>`,
 *   migrated, and a `url` whose sessions use it (search_path in the connection's `options`), dropped by
 *   `stop()`; so reruns and parallel files never see each other's rows or leave anything behind;
 * - otherwise on a fresh PGlite (its own process), migrated in `public`; `stop()` ends it.
 *
 * Use `url` for everything the code under test opens: `new Pool({ connectionString: url })`, or
 * `process.env.DATABASE_URL = url` before `postgresPool()` (lambdas/adapters/postgres.ts).
 */
export interface PaymentsTestDatabase {
  url: string;
  /** The schema migrated into: `test_payments_…` on PostgreSQL, `public` on PGlite. */
  schema: string;
  /** True on PGlite (one query at a time: no real concurrency). */
  embedded: boolean;
  /** A pool on `url`, created on first use and ended by `stop()`. */
  pool(): Pool;
  stop(): Promise<void>;
}

export const startPaymentsDatabase = async (opts: { embedded?: boolean } = {}): Promise<PaymentsTestDatabase> => {
  const base = process.env.DATABASE_URL;
  if (base && !opts.embedded) {
    const schema = `test_payments_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    await migrateDatabase(base, { schema });
    return withPool({
      url: withSearchPath(base, schema),
      schema,
      embedded: false,
      stop: async () => {
        const client = new Client({ connectionString: base });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await client.end();
        }
      },
    });
  }
  const pglite = await startPostgres({ embedded: true });
  try {
    await migrateDatabase(pglite.url);
  } catch (err) {
    await pglite.stop();
    throw err;
  }
  return withPool({ url: pglite.url, schema: 'public', embedded: true, stop: pglite.stop });
};

const withPool = (db: Omit<PaymentsTestDatabase, 'pool'>): PaymentsTestDatabase => {
  let pool: Pool | undefined;
  return {
    ...db,
    pool: () => {
      if (!pool) {
        pool = new Pool({ connectionString: db.url, max: 4 });
        pool.on('error', () => undefined);
      }
      return pool;
    },
    stop: async () => {
      await pool?.end();
      await db.stop();
    },
  };
};
