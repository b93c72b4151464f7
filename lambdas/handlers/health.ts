import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { operationsRoutes as routes } from '../api/routes/operations';
import { documentClient } from '../adapters/dynamodb';
import { postgresPool } from '../adapters/postgres';
import { redisClient } from '../adapters/redis';
import { checkReadiness } from '../domain/health/readiness';
import { clock } from '../shared/clock';
import { tableName } from '../shared/config';
import { ENV } from '../shared/env-names';
import { httpHandler } from '../http/handler';

const PROBE_TIMEOUT_MS = 2_000;

/** Probes that read nothing of value: a missing key in the users table, PING, SELECT 1. */
const probes = {
  dynamodb: () =>
    documentClient().send(new GetCommand({ TableName: tableName('users'), Key: { pk: 'HEALTH', sk: 'HEALTH' } })),
  redis: async () => (await redisClient()).ping(),
  postgres: async () => (await postgresPool()).query('SELECT 1'),
};

export const handler = httpHandler(routes.getHealth, async ({ query }) => {
  const base = { version: process.env[ENV.appVersion] ?? 'dev', time: clock.now().toISOString() };
  if (!query.deep) return { body: { status: 'ok', ...base, checks: {} } };
  const readiness = await checkReadiness(probes, PROBE_TIMEOUT_MS);
  const body = { ...base, ...readiness };
  return readiness.status === 'ok' ? { body } : { status: 503, headers: { 'retry-after': '5' }, body };
});
