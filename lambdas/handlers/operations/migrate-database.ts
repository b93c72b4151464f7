import { postgresConfig } from '../../adapters/postgres';
import { migrateDatabase } from '../../adapters/payments/migrate';
import { logger } from '../../shared/logger';

/** Attempts over about four minutes (the function's timeout is five). */
const ATTEMPTS = 8;
const FIRST_DELAY_MS = 2_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Deploy-time migrations (lib/constructs/database-migrations.ts): a CDK trigger invokes this function
 * inside the VPC after the database and before the API takes traffic, and the deployment fails if it
 * throws. It connects as the functions do (RDS Proxy endpoint, credentials from Secrets Manager) and
 * retries connecting for a few minutes, since a freshly created proxy takes a while to reach its target.
 * SQL errors are not retried: they fail the deployment at once, with the migration's error in the logs.
 */
export const handler = async (): Promise<{ applied: string[] }> => {
  const config = { ...(await postgresConfig()), connectionTimeoutMillis: 10_000 };
  for (let attempt = 1; ; attempt++) {
    try {
      const applied = await migrateDatabase(config, { log: (line) => logger.info(line) });
      logger.info('payments database migrated', { applied });
      return { applied };
    } catch (err) {
      if (attempt >= ATTEMPTS || !isConnectionError(err)) {
        logger.error('payments database migration failed', err as Error);
        throw err;
      }
      logger.warn('database not reachable yet, retrying', { attempt, error: (err as Error).message });
      await sleep(Math.min(FIRST_DELAY_MS * 2 ** (attempt - 1), 60_000));
    }
  }
};

/** Network failures and "not ready yet" answers (SQLSTATE class 08, 57P03), never SQL or migration errors. */
const isConnectionError = (err: unknown): boolean => {
  const { code, message = '' } = err as { code?: string; message?: string };
  if (code) return /^E[A-Z_]+$/.test(code) || code.startsWith('08') || code === '57P03';
  return /connection (terminated|timeout)|timeout expired|connect/i.test(message);
};
