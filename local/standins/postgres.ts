import { startRunner } from './runner';

/**
 * PostgreSQL: the real one when DATABASE_URL is set (CI points it at the machine's PostgreSQL), else
 * PGlite (Postgres compiled to WASM) with btree_gist, served over the wire protocol by
 * postgres-runner.mjs in a child process, so `pg` connects to it like to any server.
 *
 * PGlite executes one query at a time and queues the connections' queries, so concurrency and race
 * tests belong on real PostgreSQL.
 */
export interface PostgresStandIn {
  url: string;
  /** True when this is PGlite rather than a configured server. */
  embedded: boolean;
  pid?: number;
  stop(): Promise<void>;
}

/** `embedded: true` starts PGlite even when DATABASE_URL is set (tests that cover both). */
export async function startPostgres(opts: { dataDir?: string; embedded?: boolean } = {}): Promise<PostgresStandIn> {
  const external = opts.embedded ? undefined : process.env.DATABASE_URL;
  if (external) return { url: external, embedded: false, stop: async () => {} };

  const { ready, pid, stop } = await startRunner<{ url: string }>('postgres-runner.mjs', {
    what: 'PGlite',
    timeoutMs: 60_000,
    env: { ...process.env, PGLITE_DATA_DIR: opts.dataDir ?? '' },
  });
  return { url: ready.url, embedded: true, pid, stop };
}
