import { Pool, type PoolConfig } from 'pg';
import { env } from '../shared/config';
import { ENV } from '../shared/env-names';
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

let pool: Promise<Pool> | undefined;

export const postgresPool = (): Promise<Pool> => {
  if (!pool) {
    pool = postgresConfig().then((config) => {
      const created = new Pool(config);
      // An idle client dropped by the server must not crash the process.
      created.on('error', () => undefined);
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
