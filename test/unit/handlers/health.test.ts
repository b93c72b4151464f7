import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import RedisMock from 'ioredis-mock';
import { closePostgresPool } from '../../../lambdas/adapters/postgres';
import { useRedisFactory } from '../../../lambdas/adapters/redis';
import { handler } from '../../../lambdas/handlers/health';
import { apiEvent, context } from '../../support/api-event';

/** The health handler wired to its real adapters, with DynamoDB mocked at the SDK and Redis in memory. */
const ddb = mockClient(DynamoDBDocumentClient);
const saved = { ...process.env };

beforeEach(() => {
  ddb.reset();
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
  expect(body.checks.dynamodb).toMatchObject({ status: 'down', message: 'Requested resource not found' });
  expect(body.checks.postgres.status).toBe('down');
  expect(ddb.commandCalls(GetCommand)[0].args[0].input).toEqual({ TableName: 'users', Key: { pk: 'HEALTH', sk: 'HEALTH' } });
});
