import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ENV } from '../../lambdas/shared/env-names';
import { withTimeout } from '../../lambdas/shared/timeout';
import { queueList } from '../../lambdas/shared/queues';
import { tableList } from '../../lambdas/shared/tables';
import { clientConfig, DUMMY_CREDENTIALS, LOCAL_REGION } from './aws';
import { type CognitoStandIn, startCognito } from './cognito';
import { startDynamoDb, type DynamoDbStandIn } from './dynamodb';
import { startFauxqs, type FauxqsStandIn } from './fauxqs';
import { type PostgresStandIn, startPostgres } from './postgres';
import { resolveRedis, type RedisStandIn } from './redis';
import { startSes, type SesStandIn } from './ses';
import { createCarMediaBucket, createNotificationTopic, createQueues, createTables, localTableName, subscribeQueues } from './resources';

/**
 * Starts every local stand-in for AWS at once and creates the stack's resources in them. Each one is
 * skipped in favour of a configured real service (AWS_ENDPOINT_URL_*, COGNITO_ENDPOINT, DATABASE_URL,
 * REDIS_URL). `env` is what the Lambda code needs in process.env to find all of it.
 */
export interface StandInsOptions {
  /** Keep DynamoDB, PostgreSQL and Cognito data here across runs; in memory / temp dir when absent. */
  dataDir?: string;
  log?: (msg: string) => void;
}

export interface StandIns {
  env: Record<string, string>;
  redis: RedisStandIn;
  cognito: CognitoStandIn;
  dynamodb: DynamoDbStandIn;
  fauxqs: FauxqsStandIn;
  postgres: PostgresStandIn;
  ses: SesStandIn;
  /** Milliseconds each step took, for startup-time reporting. */
  timings: Record<string, number>;
  /** Stops everything; idempotent, and bounded in time even if a stand-in hangs. */
  stop(): Promise<void>;
}

const STOP_TIMEOUT_MS = 5000;

export async function startStandIns(opts: StandInsOptions = {}): Promise<StandIns> {
  const log = opts.log ?? (() => {});
  const timings: Record<string, number> = {};
  const started = Date.now();
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const result = await work();
    timings[name] = Date.now() - t0;
    log(`${name} ready in ${timings[name]} ms`);
    return result;
  };
  const dir = async (name: string) => {
    if (!opts.dataDir) return undefined;
    const path = join(opts.dataDir, name);
    await mkdir(path, { recursive: true });
    return path;
  };

  // The servers are independent, so start them together; on any failure stop those that did start.
  const results = await Promise.allSettled([
    timed('dynamodb', async () => startDynamoDb({ dataDir: await dir('dynamodb') })),
    timed('fauxqs', () => startFauxqs()),
    timed('cognito', async () => startCognito({ dataDir: await dir('cognito'), log })),
    timed('postgres', async () => startPostgres({ dataDir: await dir('postgres') })),
    timed('ses', () => startSes()),
  ] as const);
  const stoppers = results.flatMap((r) => (r.status === 'fulfilled' ? [() => r.value.stop()] : []));
  const stop = once(() => stopAll(stoppers, log));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  if (failures.length) {
    await stop();
    throw failures.length === 1 ? failures[0] : new AggregateError(failures, failures.map((e) => e.message).join('; '));
  }
  const [dynamodb, fauxqs, cognito, postgres, ses] = results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
    DynamoDbStandIn,
    FauxqsStandIn,
    CognitoStandIn,
    PostgresStandIn,
    SesStandIn,
  ];
  // fauxqs serves SNS on its SQS port.
  const snsEndpoint = process.env.AWS_ENDPOINT_URL_SNS ?? fauxqs.sqsEndpoint;

  try {
    const [, queues, bucket, topicArn] = await timed('resources', () =>
      withClients(dynamodb, fauxqs, snsEndpoint, ({ ddb, sqs, s3, sns }) =>
        Promise.all([createTables(ddb), createQueues(sqs), createCarMediaBucket(s3), createNotificationTopic(sns)]).then(async (made) => {
          await subscribeQueues(sns, sqs, made[3], made[1]);
          return made;
        }),
      ),
    );
    timings.total = Date.now() - started;
    log(`stand-ins ready in ${timings.total} ms`);

    const redis = resolveRedis();
    const env: Record<string, string> = {
      AWS_REGION: process.env.AWS_REGION ?? LOCAL_REGION,
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? DUMMY_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? DUMMY_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_SQS: fauxqs.sqsEndpoint,
      AWS_ENDPOINT_URL_S3: fauxqs.s3Endpoint,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
      AWS_ENDPOINT_URL_SNS: snsEndpoint,
      AWS_ENDPOINT_URL_SESV2: ses.endpoint,
      [ENV.notificationsTopicArn]: topicArn,
      [ENV.emailSender]: process.env.EMAIL_SENDER ?? 'Car Rental <no-reply@carrental.local>',
      // No money moves locally: the sandbox gateway and its test tokens (README "Payments").
      [ENV.paymentGatewayMode]: process.env[ENV.paymentGatewayMode] ?? 'sandbox',
      ...Object.fromEntries(tableList.map((table) => [table.envVar, localTableName(table)])),
      ...Object.fromEntries(
        queueList.flatMap((q) => [
          [q.envVar, queues[q.id].queueUrl],
          [q.dlqEnvVar, queues[q.id].dlqUrl],
        ]),
      ),
      [ENV.carMediaBucket]: bucket,
      // The photo CDN's stand-in: the bucket itself, path-style (fauxqs serves GETs without a signature),
      // so a photo's URL is `<this>/<key>` as on AWS (`https://<distribution>/<key>`).
      [ENV.carPhotosUrl]: `${fauxqs.s3Endpoint.replace(/\/+$/, '')}/${bucket}`,
      [ENV.s3ForcePathStyle]: 'true',
      [ENV.userPoolId]: cognito.userPoolId,
      [ENV.userPoolClientId]: cognito.clientId,
      [ENV.databaseUrl]: postgres.url,
      ...('url' in redis ? { [ENV.redisUrl]: redis.url } : {}),
    };
    return { env, redis, cognito, dynamodb, fauxqs, postgres, ses, timings, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function withClients<T>(
  dynamodb: DynamoDbStandIn,
  fauxqs: FauxqsStandIn,
  snsEndpoint: string,
  work: (clients: { ddb: DynamoDBClient; sqs: SQSClient; s3: S3Client; sns: SNSClient }) => Promise<T>,
): Promise<T> {
  const clients = {
    ddb: new DynamoDBClient(clientConfig(dynamodb.endpoint)),
    sqs: new SQSClient(clientConfig(fauxqs.sqsEndpoint)),
    s3: new S3Client({ ...clientConfig(fauxqs.s3Endpoint), forcePathStyle: true }),
    sns: new SNSClient(clientConfig(snsEndpoint)),
  };
  try {
    return await work(clients);
  } finally {
    Object.values(clients).forEach((client) => client.destroy());
  }
}

async function stopAll(stoppers: Array<() => Promise<void>>, log: (msg: string) => void): Promise<void> {
  await Promise.all(
    stoppers.map((stop) =>
      withTimeout(stop(), STOP_TIMEOUT_MS, 'a stand-in did not stop in time').catch((err: Error) => log(`stop: ${err.message}`)),
    ),
  );
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= fn());
}
