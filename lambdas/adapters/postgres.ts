import type { Pool, PoolConfig } from 'pg';
import { env } from '../shared/config';
import { ENV } from '../shared/env-names';
import { inSubsegment } from '../shared/observability';
import { secretString } from './secrets';

/**
 * A Lambda instance serves one request at a time: a tiny pool, and RDS Proxy multiplexes the rest. A
 * server that does not answer fails the connection in 3 s and a query in 5 s (a 503), well inside the
 * functions' timeouts, instead of holding the request until Lambda kills it.
 */
const POOL_DEFAULTS: PoolConfig = { max: 2, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 3_000, query_timeout: 5_000 };

/**
 * How this function reaches PostgreSQL: DATABASE_URL when set (local runtime, tests), else the RDS Proxy
 * endpoint with the credentials in Secrets Manager (AWS). Also used by the deploy-time migrations.
 */
export const postgresConfig = async (): Promise<PoolConfig> => {
  const url = env.optional(ENV.databaseUrl);
  if (url) return { ...POOL_DEFAULTS, connectionString: url };
  const secret = JSON.parse(await secretString(env.required(ENV.dbSecretArn))) as {
    username: string;
    password: string;
  };
  return {
    ...POOL_DEFAULTS,
    host: env.required(ENV.dbProxyEndpoint),
    port: 5432,
    database: env.optional(ENV.dbName) ?? 'carrental',
    user: secret.username,
    password: secret.password,
    // RDS Proxy presents an Amazon-issued certificate, which Lambda's Node.js trusts.
    ssl: { rejectUnauthorized: true },
  };
};

type Queryable = Pick<Pool, 'query'>;

/**
 * Each query (promise form, as the functions call it) as a PostgreSQL subsegment of the trace, annotated
 * with its statement's first word (never its values). pool.query runs its client's query with a callback,
 * so a query is recorded once whether it is sent through the pool or a checked-out client.
 */
export const traceQueries = <T extends Queryable>(target: T): T => {
  const query = target.query.bind(target) as (...args: unknown[]) => unknown;
  target.query = ((...args: unknown[]) => {
    const config = args[0] as { text?: unknown; submit?: unknown } | undefined;
    const text = typeof config === 'string' ? config : config?.text;
    // Callback and submittable (cursor) forms return no promise: passed through as they are.
    if (typeof args[args.length - 1] === 'function' || typeof config?.submit === 'function' || typeof text !== 'string') {
      return query(...args);
    }
    const statement = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'QUERY';
    return inSubsegment('PostgreSQL', { statement }, () => query(...args) as Promise<unknown>);
  }) as T['query'];
  return target;
};

let pool: Promise<Pool> | undefined;

export const postgresPool = (): Promise<Pool> => {
  if (!pool) {
    // pg is loaded by the first query, not at init: in Lambda it is a file beside the bundle (lib/bundling/sidecars.ts).
    pool = Promise.all([postgresConfig(), import('./pg-driver')]).then(([config, { default: pg }]) => {
      const created = traceQueries(new pg.Pool(config));
      // An idle client dropped by the server must not crash the process.
      created.on('error', () => undefined);
      created.on('connect', (checkedOut) => void traceQueries(checkedOut));
      return created;
    });
    pool.catch(() => (pool = undefined));
  }
  return pool;
};

/** Closes the pool (local runtime shutdown, tests). */
export const closePostgresPool = async (): Promise<void> => {
  const current = pool;
  pool = undefined;
  if (current) await (await current).end();
};
