import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  ListTablesCommand,
  type Projection,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { CreateBucketCommand, PutBucketCorsCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { deadLetterQueueName, queueList, type QueueId } from '../../lambdas/shared/queues';
import { type IndexDefinition, type TableDefinition, tableList } from '../../lambdas/shared/tables';

/**
 * Creates the resources the stack would create, from the same definitions, in whatever endpoint the
 * clients point at (a stand-in or a real service). Every function is idempotent, so re-running
 * against a persistent data dir or a shared emulator is harmless.
 */

export const LOCAL_NAMES = {
  carMediaBucket: 'car-media-local',
} as const;

/** Local table name for a definition: its id, which is also what the stack's construct id is based on. */
export const localTableName = (table: TableDefinition): string => table.id;

export async function createTables(client: DynamoDBClient, name: (table: TableDefinition) => string = localTableName): Promise<void> {
  const existing = new Set(await listAllTables(client));
  await Promise.all(
    tableList.map(async (table) => {
      const tableName = name(table);
      if (!existing.has(tableName)) await createTable(client, table, tableName);
      else {
        await addMissingIndexes(client, table, tableName);
        if (table.stream) await enableStream(client, tableName);
      }
      if (table.ttlAttribute) await enableTtl(client, tableName, table.ttlAttribute);
    }),
  );
}

async function listAllTables(client: DynamoDBClient): Promise<string[]> {
  const names: string[] = [];
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    names.push(...(page.TableNames ?? []));
    start = page.LastEvaluatedTableName;
  } while (start);
  return names;
}

async function createTable(client: DynamoDBClient, table: TableDefinition, tableName: string): Promise<void> {
  const keys = [table, ...table.indexes].flatMap((k) => [k.partitionKey, k.sortKey]);
  const keyAttributes = new Set(keys.filter((name): name is string => name !== undefined));

  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        // Every key attribute is a string (see tables.ts).
        AttributeDefinitions: [...keyAttributes].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
        KeySchema: keySchema(table.partitionKey, table.sortKey),
        GlobalSecondaryIndexes: table.indexes.length ? table.indexes.map(toGsi) : undefined,
        ...(table.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } } : {}),
      }),
    );
  } catch (err) {
    // Someone else created it between our list and create: that is the state we wanted.
    if (!(err instanceof ResourceInUseException)) throw err;
  }
}

/**
 * A table kept from an older data dir may lack an index declared since (e.g. a re-projected one under
 * its new name): create it, one per update as DynamoDB allows. Indexes no longer declared are left.
 */
async function addMissingIndexes(client: DynamoDBClient, table: TableDefinition, tableName: string): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  for (const index of table.indexes.filter((i) => !present.has(i.name))) {
    const keys = [index.partitionKey, index.sortKey].filter((k): k is string => k !== undefined);
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: keys.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
        GlobalSecondaryIndexUpdates: [{ Create: toGsi(index) }],
      }),
    );
    // Only one index may be in the making per table: wait for this one to be ACTIVE (backfilled).
    for (let waited = 0; ; waited += 100) {
      const { Table: now } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (now?.GlobalSecondaryIndexes?.every((i) => i.IndexStatus === 'ACTIVE')) break;
      if (waited > 120_000) throw new Error(`Index ${index.name} of ${tableName} is still not ACTIVE after 2 minutes.`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** A table kept from an older data dir may predate its stream: switch it on. */
async function enableStream(client: DynamoDBClient, tableName: string): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (Table?.StreamSpecification?.StreamEnabled) return;
  await client.send(
    new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }),
  );
}

const keySchema = (partitionKey: string, sortKey?: string) => [
  { AttributeName: partitionKey, KeyType: 'HASH' as const },
  ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : []),
];

function toGsi(index: IndexDefinition): GlobalSecondaryIndex {
  const projection: Projection =
    typeof index.projection === 'string'
      ? { ProjectionType: index.projection }
      : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection] };
  return { IndexName: index.name, KeySchema: keySchema(index.partitionKey, index.sortKey), Projection: projection };
}

async function enableTtl(client: DynamoDBClient, tableName: string, attribute: string): Promise<void> {
  try {
    const current = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    if (current.TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED') return;
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { Enabled: true, AttributeName: attribute } }),
    );
  } catch {
    // TTL only deletes expired items eventually; code must not rely on it (it filters on expiry
    // itself), so an emulator without TTL support is still usable.
  }
}

export interface QueueUrls {
  queueUrl: string;
  dlqUrl: string;
}

/** Every queue of `queueList` and its DLQ, with the redrive the stack configures; `prefix` goes before each name. */
export async function createQueues(sqs: SQSClient, prefix = ''): Promise<Record<QueueId, QueueUrls>> {
  const created = await Promise.all(
    queueList.map(async (def): Promise<[QueueId, QueueUrls]> => {
      const kind = def.fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'false' } : {};
      const dlq = await sqs.send(new CreateQueueCommand({ QueueName: prefix + deadLetterQueueName(def), Attributes: kind }));
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }));
      const queue = await sqs.send(
        new CreateQueueCommand({
          QueueName: prefix + def.name,
          Attributes: {
            ...kind,
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: def.maxReceiveCount }),
          },
        }),
      );
      return [def.id, { queueUrl: queue.QueueUrl!, dlqUrl: dlq.QueueUrl! }];
    }),
  );
  return Object.fromEntries(created) as Record<QueueId, QueueUrls>;
}

/**
 * The car-media bucket. Browsers upload photos straight to it with presigned PUT URLs, which needs
 * CORS on real S3; fauxqs has no bucket configuration API (and answers CORS itself), so a failure to
 * set CORS is ignored.
 */
export async function createCarMediaBucket(s3: S3Client, bucket: string = LOCAL_NAMES.carMediaBucket): Promise<string> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (err) {
    const name = (err as Error).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw err;
  }
  try {
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: bucket,
        CORSConfiguration: {
          CORSRules: [
            {
              AllowedMethods: ['PUT', 'GET', 'HEAD'],
              AllowedOrigins: ['*'],
              AllowedHeaders: ['*'],
              ExposeHeaders: ['ETag'],
              MaxAgeSeconds: 3000,
            },
          ],
        },
      }),
    );
  } catch {
    // See above: unsupported by the emulator.
  }
  return bucket;
}

/** The booking-events topic; returns its ARN. CreateTopic is idempotent in SNS (and fauxqs): a second call returns the same ARN. */
export async function createNotificationTopic(sns: SNSClient, name = 'booking-events'): Promise<string> {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  return TopicArn!;
}

/**
 * The subscriptions the stack makes from the notifications topic to the queues that declare
 * `subscribesTo` (raw delivery, filtered on the `type` attribute), so a cancellation reaches payments
 * locally the way it does in AWS.
 */
export async function subscribeQueues(sns: SNSClient, sqs: SQSClient, topicArn: string, urls: Record<QueueId, QueueUrls>): Promise<void> {
  await Promise.all(
    queueList
      .filter((def) => def.subscribesTo)
      .map(async (def) => {
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: urls[def.id].queueUrl, AttributeNames: ['QueueArn'] }),
        );
        await sns.send(
          new SubscribeCommand({
            TopicArn: topicArn,
            Protocol: 'sqs',
            Endpoint: Attributes?.QueueArn,
            Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ type: [...def.subscribesTo!.eventTypes] }) },
          }),
        );
      }),
  );
}
