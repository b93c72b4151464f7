import type { Pool, PoolConfig } from 'pg';
import { env } from '../shared/config';
import { ENV } from '../shared/env-names';
import { inSubsegment } from '../shared/observability';
import { onFirstUse } from '../shared/on-first-use';
import { secretString } from './secrets';
import { asConnectionFailure } from './unavailable';

/**
 * A Lambda instance serves one request at a time: a tiny pool, and RDS Proxy multiplexes the rest. A
 * server that does not answer fails the connection in 3 s and a query in 5 s (a 503), well inside the
 * functions' timeouts, instead of holding the request until Lambda kills it.
 */
const POOL_DEFAULTS: PoolConfig = { max: 2, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 3_000, query_timeout: 5_000 };

interface DatabaseSecret {
  username: string;
  password: string;
}

const databaseSecret = async (fresh = false): Promise<DatabaseSecret> =>
  JSON.parse(await secretString(env.required(ENV.dbSecretArn), { fresh })) as DatabaseSecret;

/**
 * How this function reaches PostgreSQL: DATABASE_URL when set (local runtime, tests), else the RDS Proxy
 * endpoint with the credentials in Secrets Manager (AWS). Also used by the deploy-time migrations.
 */
export const postgresConfig = async (): Promise<PoolConfig> => {
  const url = env.optional(ENV.databaseUrl);
  if (url) return { ...POOL_DEFAULTS, connectionString: url };
  const { user, password } = await secretCredentials();
  return {
    ...POOL_DEFAULTS,
    host: env.required(ENV.dbProxyEndpoint),
    port: 5432,
    database: env.optional(ENV.dbName) ?? 'carrental',
    user,
    password,
    // RDS Proxy presents an Amazon-issued certificate, which Lambda's Node.js trusts.
    ssl: { rejectUnauthorized: true },
  };
};

/**
 * The user and password of the database secret. The password rotates every 30 days (single-user rotation:
 * the user stays), so it is read for each new connection, from the secret as last read (re-read after
 * SECRET_MAX_AGE_SECONDS), never kept for the instance's life.
 */
export const secretCredentials = async (): Promise<Pick<PoolConfig, 'user' | 'password'> & { reread: () => Promise<unknown> }> => ({
  user: (await databaseSecret()).username,
  password: async () => (await databaseSecret()).password,
  /** After a refused password: the secret read again now, for the next connection. */
  reread: () => databaseSecret(true),
});

/** A password refused at connect: the secret rotated since it was read. */
const INVALID_PASSWORD = '28P01';

/**
 * Runs a call that may open a connection: pg's own failures typed (ConnectionFailure, see unavailable.ts);
 * with `reread`, a connection refused for its password is tried once more after reading the secret again.
 */
const opening = async <R>(call: () => Promise<R>, reread?: () => Promise<unknown>): Promise<R> => {
  try {
    return await call();
  } catch (err) {
    if (!reread || (err as { code?: unknown }).code !== INVALID_PASSWORD) throw asConnectionFailure('PostgreSQL', err);
  }
  await reread();
  return call().catch((err: unknown) => {
    throw asConnectionFailure('PostgreSQL', err);
  });
};

type Queryable = Pick<Pool, 'query'>;

/**
 * Each query (promise form, as the functions call it) as a PostgreSQL subsegment of the trace, annotated
 * with its statement's first word (never its values), run through `opening` (see there). pool.query runs
 * its client's query with a callback, so a query is recorded once whether it is sent through the pool or
 * a checked-out client.
 */
export const traceQueries = <T extends Queryable>(target: T, reread?: () => Promise<unknown>): T => {
  const query = target.query.bind(target) as (...args: unknown[]) => unknown;
  target.query = ((...args: unknown[]) => {
    const config = args[0] as { text?: unknown; submit?: unknown } | undefined;
    const text = typeof config === 'string' ? config : config?.text;
    // Callback and submittable (cursor) forms return no promise: passed through as they are.
    if (typeof args[args.length - 1] === 'function' || typeof config?.submit === 'function' || typeof text !== 'string') {
      return query(...args);
    }
    const statement = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'QUERY';
    return inSubsegment('PostgreSQL', { statement }, () => opening(() => query(...args) as Promise<unknown>, reread));
  }) as T['query'];
  return target;
};

/**
 * A pool over `config`, every query and connection through `opening`. `reread` is how its credentials
 * are read again after a refused password (none with DATABASE_URL, whose credentials do not rotate).
 */
export const createPool = async (config: PoolConfig, reread?: () => Promise<unknown>): Promise<Pool> => {
  // pg is loaded by the first query, not at init: in Lambda it is a file beside the bundle (lib/bundling/sidecars.ts).
  const { default: pg } = await import('./pg-driver');
  const created = traceQueries(new pg.Pool(config), reread);
  const connect = created.connect.bind(created) as (callback?: unknown) => unknown;
  // The promise form (transactions); the callback form is pg-pool's own, under pool.query, already covered.
  created.connect = ((callback?: unknown) =>
    callback ? connect(callback) : opening(() => connect() as Promise<unknown>, reread)) as Pool['connect'];
  // An idle client dropped by the server must not crash the process.
  created.on('error', () => undefined);
  created.on('connect', (checkedOut) => void traceQueries(checkedOut));
  return created;
};

const pool = onFirstUse(() => {
  const rotates = !env.optional(ENV.databaseUrl);
  return postgresConfig().then((config) => createPool(config, rotates ? () => databaseSecret(true) : undefined));
});

/** The shared pool of this function instance (made again after a failed attempt). */
export const postgresPool = (): Promise<Pool> => pool();

/** Closes the pool (local runtime shutdown, tests). */
export const closePostgresPool = async (): Promise<void> => {
  const current = pool.forget();
  if (current) await (await current).end();
};
