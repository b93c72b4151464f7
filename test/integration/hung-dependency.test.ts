import net from 'node:net';
import { CognitoIdentityProviderClient, GetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { sdkClientConfig } from '../../lambdas/adapters/aws-client';
import { closePostgresPool, postgresPool } from '../../lambdas/adapters/postgres';
import { redisClient, useRedisFactory } from '../../lambdas/adapters/redis';
import { toErrorResponse } from '../../lambdas/http/error-response';
import { apiEvent, context } from '../support/api-event';

/**
 * Issue 10: a dependency that accepts connections and never answers held requests until the function
 * timed out (502 after 10 s, no Retry-After). Every client now gives up well inside the 10 s and the
 * one error mapping answers 503 with Retry-After.
 */
const FUNCTION_TIMEOUT_MS = 10_000;
const sockets = new Set<net.Socket>();
const hung = net.createServer((socket) => {
  sockets.add(socket); // accepted, never answered
  socket.on('close', () => sockets.delete(socket));
});
let endpoint: string;
const saved = { ...process.env };

beforeAll(async () => {
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(hung.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  process.env = { ...saved };
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => hung.close(resolve));
});

/** How a failure reaches the client, and after how long. */
const failureOf = async (call: () => Promise<unknown>) => {
  const started = Date.now();
  const err = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeDefined();
  return { ms: Date.now() - started, response: toErrorResponse(err, 'req-1'), err };
};

const expectPrompt503 = ({ ms, response, err }: Awaited<ReturnType<typeof failureOf>>) => {
  expect([response.statusCode, (err as Error).message]).toEqual([503, expect.any(String)]);
  expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(ms).toBeLessThan(FUNCTION_TIMEOUT_MS * 0.7);
};

test('every AWS SDK client the functions build gives up well inside the function timeout: 503 + Retry-After', async () => {
  const config = () => sdkClientConfig({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const calls: Record<string, () => Promise<unknown>> = {
    dynamodb: () => new DynamoDBClient(config()).send(new ListTablesCommand({})),
    s3: () => new S3Client({ ...config(), forcePathStyle: true }).send(new HeadObjectCommand({ Bucket: 'b', Key: 'k' })),
    sqs: () => new SQSClient(config()).send(new GetQueueUrlCommand({ QueueName: 'q' })),
    sns: () => new SNSClient(config()).send(new ListTopicsCommand({})),
    ses: () =>
      new SESv2Client(config()).send(
        new SendEmailCommand({
          FromEmailAddress: 'a@example.com',
          Destination: { ToAddresses: ['b@example.com'] },
          Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } },
        }),
      ),
    cognito: () => new CognitoIdentityProviderClient(config()).send(new GetUserCommand({ AccessToken: 'x' })),
    secrets: () => new SecretsManagerClient(config()).send(new GetSecretValueCommand({ SecretId: 's' })),
  };
  const results = await Promise.all(Object.entries(calls).map(async ([name, call]) => [name, await failureOf(call)] as const));
  for (const [name, result] of results) {
    expect([name, result.response.statusCode]).toEqual([name, 503]);
    expectPrompt503(result);
  }
}, 30_000);

test('a handler whose DynamoDB hangs answers 503 with Retry-After, not a function timeout', async () => {
  process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'x';
  process.env.AWS_SECRET_ACCESS_KEY = 'y';
  process.env.CARS_TABLE = 'cars';
  const { handler } = await import('../../lambdas/handlers/fleet/list-locations');
  const started = Date.now();
  const res = await handler(apiEvent({ httpMethod: 'GET', path: '/locations' }), context);
  expect(res.statusCode).toBe(503);
  expect(JSON.parse(res.body).error.code).toBe('SERVICE_UNAVAILABLE');
  expect(Number(res.headers?.['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(Date.now() - started).toBeLessThan(FUNCTION_TIMEOUT_MS * 0.7);
}, 30_000);

test('Redis and PostgreSQL that accept and never answer fail fast as 503', async () => {
  process.env.REDIS_URL = endpoint.replace('http', 'redis');
  process.env.DATABASE_URL = endpoint.replace('http', 'postgres');
  useRedisFactory();
  try {
    const [redis, postgres] = await Promise.all([
      failureOf(async () => (await redisClient()).ping()),
      failureOf(async () => (await postgresPool()).query('SELECT 1')),
    ]);
    expectPrompt503(redis);
    expectPrompt503(postgres);
  } finally {
    useRedisFactory();
    await closePostgresPool();
  }
}, 30_000);
