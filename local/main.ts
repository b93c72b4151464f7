import './runtime-env';
import { randomUUID } from 'node:crypto';
import { version } from '../package.json';
import { useRedisFactory } from '../lambdas/adapters/redis';
import { ShiftedClock, useClock } from '../lambdas/shared/clock';
import { closePostgresPool } from '../lambdas/adapters/postgres';
import { migrateDatabase } from '../lambdas/adapters/payments/migrate';
import { API_STAGE } from '../lambdas/api/routes';
import { capabilityList } from '../lambdas/capabilities';
import { ENV } from '../lambdas/shared/env-names';
import { seedLocalAdmin } from './accounts/seed-admin';
import { localCursorKey } from './cursor-key';
import { seedDemoFleet } from './fleet/seed-demo-fleet';
import { writeRuntimeFile, type SeededAdmin } from './runtime-file';
import { createTokenVerifier } from './auth/verify-token';
import { devRoutes } from './dev-routes';
import { startLocalApi } from './server';
import { startStandIns } from './standins';
import { startWorkers, type Worker } from './workers';

export interface LocalRuntimeOptions {
  port: number;
  /** Keep DynamoDB, PostgreSQL and Cognito data here between runs; in memory when omitted. */
  dataDir?: string;
  log?: (line: string) => void;
  /** Print each request (method, path, status, time). */
  accessLog?: boolean;
  /** Add a demo fleet to empty demo locations (default true). */
  seedDemoFleet?: boolean;
  /** Apply the WAF per-IP limits (default true); test suites that sign in hundreds of users from one address turn them off. */
  perIpLimits?: boolean;
}

export interface LocalRuntime {
  url: string;
  env: Record<string, string>;
  startupMs: number;
  /** The admin seeded at start (MFA on), for the banner. */
  admin: SeededAdmin;
  /** Demo cars added at this start (0 when the locations already had cars). */
  demoCars: number;
  stop(): Promise<void>;
}

/** Starts the stand-ins, points the Lambda code at them, then serves the API and runs the workers. */
export const startLocalRuntime = async (options: LocalRuntimeOptions): Promise<LocalRuntime> => {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const standIns = await startStandIns({ dataDir: options.dataDir, log });
  const stops: Array<() => Promise<void>> = [() => standIns.stop()];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch((err: Error) => log(`stop: ${err.message}`));
  };
  try {
    // The handlers run in this process and read their configuration from the environment, as in Lambda.
    Object.assign(process.env, standIns.env, {
      [ENV.stage]: 'local',
      [ENV.appVersion]: version,
      [ENV.validateResponses]: 'true',
      [ENV.cursorKey]: localCursorKey(),
      // A shared real Redis may hold another run's cache pages for tables this run has never seen.
      [ENV.redisKeyPrefix]: process.env[ENV.redisKeyPrefix] ?? `car-rental:local:${randomUUID().slice(0, 8)}:`,
    });
    if ('mock' in standIns.redis) {
      // Loaded only here, so ioredis-mock never ends up in a Lambda bundle.
      const { default: RedisMock } = await import('ioredis-mock');
      useRedisFactory(async () => new RedisMock());
    }
    stops.push(closePostgresPool);
    // The payments schema (migrations/), before the API serves; a no-op when already up to date.
    await migrateDatabase(process.env[ENV.databaseUrl]!);

    // Every handler reads time from this clock; /_local/clock moves it forward.
    const clock = new ShiftedClock();
    useClock(clock);
    stops.push(async () => useClock());
    const workers: Worker[] = [];
    const verifyToken = createTokenVerifier(standIns.cognito);
    const api = await startLocalApi({
      port: options.port,
      verifyToken,
      ipLimits: options.perIpLimits === false ? [] : undefined,
      log: options.accessLog ? log : undefined,
      devRoutes: devRoutes({ mailbox: standIns.ses.mailbox, clock, schedules: () => workers }),
    });
    stops.push(() => api.stop());
    const url = `${api.url}/${API_STAGE}`;
    const [admin, demoCars] = await Promise.all([
      seedLocalAdmin(options.dataDir, log),
      options.seedDemoFleet === false ? 0 : seedDemoFleet(),
    ]);
    stops.push(await writeRuntimeFile({ apiUrl: url, env: standIns.env, admin }));

    workers.push(...startWorkers(capabilityList(), { log }));
    stops.push(async () => void (await Promise.all(workers.map((w) => w.stop()))));

    return { url, env: standIns.env, startupMs: performance.now() - started, admin, demoCars, stop };
  } catch (err) {
    await stop();
    throw err;
  }
};
