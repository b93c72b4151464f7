import { CognitoIdentityProviderClient, GetUserCommand, NotAuthorizedException } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import RedisMock from 'ioredis-mock';
import { closePostgresPool } from '../../../lambdas/adapters/postgres';
import { useRedisFactory } from '../../../lambdas/adapters/redis';
import { handler } from '../../../lambdas/handlers/operations/health';
import { apiEvent, context } from '../../support/api-event';

/** The health handler wired to its real adapters, with DynamoDB mocked at the SDK and Redis in memory. */
const ddb = mockClient(DynamoDBDocumentClient);
const cognito = mockClient(CognitoIdentityProviderClient);
/** Cognito refusing the probe's non-token: it is up. */
const cognitoAnswers = () =>
  cognito.on(GetUserCommand).rejects(new NotAuthorizedException({ message: 'Invalid Access Token', $metadata: { httpStatusCode: 400 } }));
const saved = { ...process.env };

beforeEach(() => {
  ddb.reset();
  cognito.reset();
  cognitoAnswers();
  process.env.USERS_TABLE = 'users';
  process.env.APP_VERSION = '1.2.3';
  // Nothing listens on port 1: the PostgreSQL probe fails at once with "connection refused".
  process.env.DATABASE_URL = 'postgres://health@127.0.0.1:1/none';
  useRedisFactory(async () => new RedisMock());
});
afterEach(async () => {
  process.env = { ...saved };
  useRedisFactory();
  await closePostgresPool();
});

const deep = { queryStringParameters: { deep: 'true' } };

it('answers liveness without touching any dependency', async () => {
  const res = await handler(apiEvent(), context);
  expect(res.statusCode).toBe(200);
  expect(JSON.parse(res.body)).toMatchObject({ status: 'ok', version: '1.2.3', checks: {} });
  expect(ddb.calls()).toHaveLength(0);
});

it('reads a key of the users table and answers 503 with Retry-After naming each dependency that is down', async () => {
  ddb.on(GetCommand).rejects(new Error('Requested resource not found'));
  const res = await handler(apiEvent(deep), context);
  expect(res.statusCode).toBe(503);
  expect(res.headers?.['retry-after']).toBe('5');
  const body = JSON.parse(res.body);
  expect(body.status).toBe('degraded');
  expect(body.checks.redis.status).toBe('ok');
  expect(body.checks.cognito.status).toBe('ok');
  expect(body.checks.dynamodb.status).toBe('down');
  expect(body.checks.postgres.status).toBe('down');
  expect(ddb.commandCalls(GetCommand)[0].args[0].input).toEqual({ TableName: 'users', Key: { pk: 'HEALTH', sk: 'HEALTH' } });
});

// Issue 10: the public deep check sent raw errors (`connect ECONNREFUSED 127.0.0.1:42377`) to anyone.
it('tells anonymous callers only which dependency is down, never its error', async () => {
  ddb.on(GetCommand).rejects(new Error('Requested resource not found'));
  const res = await handler(apiEvent(deep), context);
  const body = JSON.parse(res.body);
  for (const check of Object.values(body.checks)) expect(Object.keys(check as object).sort()).toEqual(['latencyMs', 'status']);
  expect(res.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|not found/);
});

it("gives admins each failure's message on /health/details", async () => {
  ddb.on(GetCommand).rejects(new Error('Requested resource not found'));
  const admin = { sub: 'a', 'cognito:groups': 'admin', 'custom:mfa_enabled': 'true' };
  const res = await handler(apiEvent({ resource: '/health/details', path: '/health/details', claims: admin }), context);
  expect(res.statusCode).toBe(503);
  const body = JSON.parse(res.body);
  expect(body.checks.dynamodb).toMatchObject({ status: 'down', message: 'Requested resource not found' });
  expect(body.checks.postgres.message).toMatch(/ECONNREFUSED/);
  const anonymous = await handler(apiEvent({ resource: '/health/details', path: '/health/details' }), context);
  expect(anonymous.statusCode).toBe(401);
});

// Issue 10: the deep check said ok while Cognito was down.
it('reports Cognito down when it does not answer; a refusal of the probe token means it is up', async () => {
  ddb.on(GetCommand).resolves({});
  useRedisFactory(async () => new RedisMock());
  cognito.reset();
  cognito.on(GetUserCommand).rejects(Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' }));
  const down = JSON.parse((await handler(apiEvent(deep), context)).body);
  expect(down.checks.cognito.status).toBe('down');
  cognito.reset();
  cognitoAnswers();
  const up = JSON.parse((await handler(apiEvent(deep), context)).body);
  expect(up.checks.cognito.status).toBe('ok');
  expect(cognito.commandCalls(GetUserCommand)[0].args[0].input).toEqual({ AccessToken: 'health-probe' });
});
