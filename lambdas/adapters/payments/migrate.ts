import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PG_MIGRATE_LOCK_ID, runner } from 'node-pg-migrate';
import type { ClientConfig } from 'pg';

/**
 * The payments schema, from the versioned SQL files in `migrations/` (append-only: a change is a new
 * numbered file), applied by node-pg-migrate. One call brings a database up to date:
 *
 * - idempotent: applied files are recorded in `pgmigrations` (in the target schema) and skipped;
 * - safe to run concurrently: node-pg-migrate holds a PostgreSQL session advisory lock for the run, and
 *   `advisoryLockMode: 'wait'` makes a second runner wait for the first, then find nothing to do;
 * - all or nothing: every pending file and its bookkeeping row commit in one transaction.
 *
 * Called by `npm run db:migrate`, by the local runtime at start, by the deploy-time trigger function
 * (lambdas/handlers/operations/migrate-database.ts) and by tests.
 */
export interface MigrateOptions {
  /**
   * Migrate into this schema (created if missing) instead of `public`, with its own `pgmigrations`
   * table and lock. Tests use a fresh schema per run on a shared PostgreSQL; the code under test must
   * then reach the same schema, through the search_path: see `withSearchPath` (connection URLs) or
   * `searchPathOption` (pg configs). On PGlite (one session shared by every connection) use `public`.
   */
  schema?: string;
  /** The migrations folder; found automatically in the repository and in a Lambda bundle. */
  dir?: string;
  /** Progress lines (node-pg-migrate's info, warnings and errors); silent when omitted. */
  log?: (line: string) => void;
}

/**
 * Runs every pending migration up. `target` is a connection URL or a pg client config (the deployed
 * function passes the RDS Proxy endpoint and the Secrets Manager credentials, see `postgresConfig`).
 * Returns the names of the migrations applied by this call (empty when already up to date).
 */
export const migrateDatabase = async (target: string | ClientConfig, options: MigrateOptions = {}): Promise<string[]> => {
  const schema = assertSchemaName(options.schema ?? 'public');
  const log = options.log ?? (() => undefined);
  const applied = await runner({
    databaseUrl: typeof target === 'string' ? target : pgClientConfig(target),
    dir: options.dir ?? migrationsDir(),
    direction: 'up',
    migrationsTable: 'pgmigrations',
    schema,
    createSchema: schema !== 'public',
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: 'wait',
    // On `public`, the well-known lock node-pg-migrate's own CLI takes, so the two exclude each other.
    lockValue: schema === 'public' ? PG_MIGRATE_LOCK_ID : lockIdFor(schema),
    logger: { debug: () => undefined, info: log, warn: log, error: log },
  });
  return applied.map((m) => m.name);
};

/** One advisory lock per schema, so fresh test schemas on one server do not queue behind each other. */
const lockIdFor = (schema: string): number => parseInt(createHash('sha256').update(`payments:${schema}`).digest('hex').slice(0, 12), 16);

/** pg's Pool-only settings mean nothing to the single Client node-pg-migrate opens. */
const pgClientConfig = (config: ClientConfig & { max?: number; idleTimeoutMillis?: number }): ClientConfig => {
  const { max: _max, idleTimeoutMillis: _idle, ...client } = config;
  return client;
};

/**
 * `migrations/` at the repository root (this file runs from lambdas/adapters/payments under tsx and
 * jest), or next to the bundle in Lambda, where the function's bundling copies it (`/var/task/migrations`).
 */
export const migrationsDir = (): string => {
  const candidates = [
    process.env.MIGRATIONS_DIR,
    typeof __dirname === 'string' ? resolve(__dirname, '../../../migrations') : undefined,
    process.env.LAMBDA_TASK_ROOT ? join(process.env.LAMBDA_TASK_ROOT, 'migrations') : undefined,
    resolve('migrations'),
  ].filter((dir): dir is string => Boolean(dir));
  const found = candidates.find((dir) => existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.sql')));
  if (!found) throw new Error(`No migrations folder with .sql files found (looked in ${candidates.join(', ')})`);
  return found;
};

/** A schema name safe to interpolate: lower-case letters, digits and underscores. */
const assertSchemaName = (schema: string): string => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid schema name "${schema}"`);
  return schema;
};

/**
 * The libpq `options` value that makes every session of a connection use `schema`, and only it (so a
 * table missing there is an error, not a silent read of `public`'s).
 */
export const searchPathOption = (schema: string): string => `-c search_path=${assertSchemaName(schema)}`;

/** `url` with its sessions on `schema`: pass it to `new Pool({ connectionString })` or as DATABASE_URL. */
export const withSearchPath = (url: string, schema: string): string => {
  const parsed = new URL(url);
  parsed.searchParams.set('options', searchPathOption(schema));
  return parsed.toString();
};
