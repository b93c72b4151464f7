#!/usr/bin/env node
/**
 * `npm run db:migrate -- [--local [port]] [--schema <name>]`
 *
 * Applies the pending payments migrations (migrations/*.sql, node-pg-migrate) and lists what it applied;
 * a no-op when the database is up to date, and safe while another migration runs (it waits for it).
 *
 * Where: DATABASE_URL (any PostgreSQL, e.g. through an SSM tunnel to the RDS Proxy), or --local [port]
 * for a running `npm start` (default port: PORT or 3000), found through the file it writes
 * (local/runtime-file.ts); `npm start` migrates at start anyway. On deploy a CDK trigger runs
 * the same migrations inside the VPC (lib/constructs/database-migrations.ts).
 */
import { parseArgs } from 'node:util';
import { migrateDatabase } from '../lambdas/adapters/payments/migrate';
import { ENV } from '../lambdas/shared/env-names';
import { readRuntimeFile } from '../local/runtime-file';

const USAGE = 'Usage: npm run db:migrate -- [--local [port]] [--schema <name>]   (or DATABASE_URL=postgres://… npm run db:migrate)';

const main = async () => {
  const { values } = parseArgs({
    options: { local: { type: 'string' }, schema: { type: 'string' }, help: { type: 'boolean', default: false } },
    // `--local` alone (no port) must not swallow the next flag.
    args: process.argv
      .slice(2)
      .flatMap((a, i, all) => (a === '--local' && (!all[i + 1] || all[i + 1].startsWith('--')) ? ['--local='] : [a])),
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const url =
    values.local !== undefined
      ? (await readRuntimeFile(values.local || process.env.PORT || 3000)).env[ENV.databaseUrl]
      : process.env[ENV.databaseUrl];
  if (!url) throw new UsageError('Set DATABASE_URL, or pass --local to use a running `npm start`.');
  const applied = await migrateDatabase(url, { schema: values.schema, log: (line) => console.log(line) });
  console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'The database is up to date.');
};

class UsageError extends Error {}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err instanceof UsageError ? `${err.message}\n${USAGE}` : `Migration failed: ${err.message}`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
