import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { GetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { operationsRoutes as routes } from '../../api/routes/operations';
import { cognitoClient } from '../../adapters/cognito';
import { documentClient } from '../../adapters/dynamodb';
import { postgresPool } from '../../adapters/postgres';
import { redisClient } from '../../adapters/redis';
import { isUnavailable } from '../../adapters/unavailable';
import { checkReadiness, withoutDetails, type Readiness } from '../../domain/health/readiness';
import { clock } from '../../shared/clock';
import { tableName } from '../../shared/config';
import { ENV } from '../../shared/env-names';
import { httpHandler, type Reply } from '../../http/handler';

const PROBE_TIMEOUT_MS = 2_000;

/**
 * Probes that read nothing of value: a missing key in the users table, PING, SELECT 1, and Cognito's
 * GetUser with a token that is not one: Cognito refusing it proves Cognito answers (no IAM right, no user).
 */
const probes = {
  dynamodb: () => documentClient().send(new GetCommand({ TableName: tableName('users'), Key: { pk: 'HEALTH', sk: 'HEALTH' } })),
  redis: async () => (await redisClient()).ping(),
  postgres: async () => (await postgresPool()).query('SELECT 1'),
  cognito: () =>
    cognitoClient()
      .send(new GetUserCommand({ AccessToken: 'health-probe' }))
      .then(
        () => undefined,
        (err: unknown) => {
          if (isUnavailable(err)) throw err;
        },
      ),
};

const base = () => ({ version: process.env[ENV.appVersion] ?? 'dev', time: clock.now().toISOString() });
const answer = (readiness: Readiness): Reply => {
  const body = { ...base(), ...readiness };
  return readiness.status === 'ok' ? { body } : { status: 503, headers: { 'retry-after': '5' }, body };
};

/** Public: liveness, and with deep=true each dependency's status only; raw errors are internals. */
const health = httpHandler(routes.getHealth, async ({ query }) => {
  if (!query.deep) return { body: { status: 'ok', ...base(), checks: {} } };
  return answer(withoutDetails(await checkReadiness(probes, PROBE_TIMEOUT_MS)));
});

/** Admins: the same checks with each failure's message. */
const details = httpHandler(routes.getHealthDetails, async () => answer(await checkReadiness(probes, PROBE_TIMEOUT_MS)));

/** One function serves both health routes; API Gateway's resource says which. */
export const handler = (event: APIGatewayProxyEvent, context: Context) =>
  (event.resource === routes.getHealthDetails.path ? details : health)(event, context);
