import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient, ResourceNotFoundException, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DeleteQueueCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { QueueId } from '../../lambdas/shared/queues';
import { tableList, type TableId } from '../../lambdas/shared/tables';
import { clientConfig } from '../../local/standins/aws';
import { startDynamoDb } from '../../local/standins/dynamodb';
import { startFauxqs } from '../../local/standins/fauxqs';
import { createCarMediaBucket, createQueues, createTables, type QueueUrls } from '../../local/standins/resources';

/**
 * The AWS services the integration tests use, DynamoDB, SQS and S3: the local stand-ins (DynamoDB Local,
 * fauxqs), one per test file, or, when AWS_ENDPOINT_URL is set, that endpoint (LocalStack at
 * http://localhost:4566, or a real account with the usual AWS_REGION and credentials). Either way the
 * tables, queues and buckets are made from the stack's own definitions (lambdas/shared/tables.ts and
 * queues.ts) under a name prefix of their own and dropped at the end, so runs sharing an endpoint never
 * meet and the stand-in runs take the same path as an endpoint run.
 */
const sharedEndpoint = (): string | undefined => process.env.AWS_ENDPOINT_URL || undefined;

/**
 * What an SDK client built from process.env (as in Lambda) needs besides its endpoint: the region and
 * credentials in the environment when set (a real account), the stand-ins' dummies otherwise.
 */
export const sdkEnvironment = (): Record<string, string> => {
  const { region, credentials } = clientConfig('');
  const token = 'sessionToken' in credentials ? credentials.sessionToken : undefined;
  return {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(token ? { AWS_SESSION_TOKEN: token } : {}),
  };
};

/** `it-3f9a1c2e-`: a prefix for everything one test file creates. */
const uniquePrefix = () => `it-${randomUUID().slice(0, 8)}-`;

export interface TestTables {
  endpoint: string;
  raw: DynamoDBClient;
  /** Document client that drops undefined attributes, as the functions' own does. */
  db: DynamoDBDocumentClient;
  /** This file's name for each table of tables.ts. */
  names: Record<TableId, string>;
  /** Deletes the tables, closes the client and stops the stand-in. */
  drop(): Promise<void>;
}

/** Every table of tables.ts, created (and ACTIVE) under a unique prefix. */
export async function testTables(): Promise<TestTables> {
  const external = sharedEndpoint();
  const standIn = external ? undefined : await startDynamoDb();
  const endpoint = external ?? standIn!.endpoint;
  const raw = new DynamoDBClient(clientConfig(endpoint));
  const prefix = uniquePrefix();
  const names = Object.fromEntries(tableList.map((t) => [t.id, `${prefix}${t.id}`])) as Record<TableId, string>;
  await createTables(raw, (t) => names[t.id]);
  // A real account creates tables asynchronously; emulators answer ACTIVE at once.
  await Promise.all(Object.values(names).map((TableName) => waitUntilTableExists({ client: raw, maxWaitTime: 120 }, { TableName })));
  const drop = async () => {
    await Promise.all(Object.values(names).map((TableName) => raw.send(new DeleteTableCommand({ TableName })).catch(ignoreMissing)));
    raw.destroy();
    await standIn?.stop();
  };
  return { endpoint, raw, db: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }), names, drop };
}

export interface TestMessaging {
  /** SQS endpoint (fauxqs serves SNS on the same one). */
  sqsEndpoint: string;
  s3Endpoint: string;
  sqs: SQSClient;
  /** Prefix every queue, topic or bucket name with this: drop() deletes the queues and buckets that carry it. */
  prefix: string;
  /** The queues of queues.ts and their dead-letter queues, as the stack configures them. */
  createQueues(): Promise<Record<QueueId, QueueUrls>>;
  /** A bucket configured as the car-media bucket; returns its name. */
  createBucket(): Promise<string>;
  s3(): S3Client;
  drop(): Promise<void>;
}

/** SQS (and SNS) and S3: fauxqs, or the shared endpoint. */
export async function testMessaging(): Promise<TestMessaging> {
  const external = sharedEndpoint();
  const standIn = external ? undefined : await startFauxqs();
  const sqsEndpoint = external ?? standIn!.sqsEndpoint;
  const s3Endpoint = external ?? standIn!.s3Endpoint;
  const sqs = new SQSClient(clientConfig(sqsEndpoint));
  const prefix = uniquePrefix();
  const buckets: string[] = [];
  let s3: S3Client | undefined;
  // Path-style URLs: a hostname endpoint would make the SDK call <bucket>.localhost.
  const s3Client = () => (s3 ??= new S3Client({ ...clientConfig(s3Endpoint), forcePathStyle: true }));

  const drop = async () => {
    const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
    await Promise.all(QueueUrls.map((QueueUrl) => sqs.send(new DeleteQueueCommand({ QueueUrl })).catch(ignoreMissing)));
    await Promise.all(buckets.map((bucket) => emptyAndDeleteBucket(s3Client(), bucket)));
    sqs.destroy();
    s3?.destroy();
    await standIn?.stop();
  };
  return {
    sqsEndpoint,
    s3Endpoint,
    sqs,
    prefix,
    createQueues: () => createQueues(sqs, prefix),
    createBucket: async () => {
      // Bucket names: lower case, at most 63 characters.
      const bucket = await createCarMediaBucket(s3Client(), `${prefix}car-media`);
      buckets.push(bucket);
      return bucket;
    },
    s3: s3Client,
    drop,
  };
}

async function emptyAndDeleteBucket(s3: S3Client, Bucket: string): Promise<void> {
  for (;;) {
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket }));
    if (!Contents.length) break;
    await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: Contents.map(({ Key }) => ({ Key })) } }));
  }
  await s3.send(new DeleteBucketCommand({ Bucket }));
}

const ignoreMissing = (err: unknown) => {
  if (err instanceof ResourceNotFoundException || (err as Error).name === 'QueueDoesNotExist') return;
  throw err;
};
