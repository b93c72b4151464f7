import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type {
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
  Context,
  ScheduledEvent,
} from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { STREAM_RETRY_ATTEMPTS, type CapabilityDefinition, type Trigger } from '../lambdas/capabilities';
import { queues, type QueueId } from '../lambdas/shared/queues';
import { tables } from '../lambdas/shared/tables';
import { lambdaContext, sqsEvent } from './events';
import { loadHandler } from './handlers';
import { LOCAL_REGION } from './standins/aws';

/**
 * The local twins of Lambda's SQS event source mapping and EventBridge schedules. A queue consumer
 * receives a batch, invokes the handler with an SQS event, and deletes every message except those the
 * handler reports in `batchItemFailures`; those come back after the visibility timeout and, after
 * maxReceiveCount receives, move to the dead-letter queue, as in AWS.
 */
export interface Worker {
  name: string;
  /** Runs a scheduled function now (local only: tests and developers need not wait for the timer). */
  runNow?(): Promise<void>;
  stop(): Promise<void>;
}

type QueueTrigger = Extract<Trigger, { kind: 'queue' }>;
type ScheduleTrigger = Extract<Trigger, { kind: 'schedule' }>;
type StreamTrigger = Extract<Trigger, { kind: 'stream' }>;

/**
 * Like Lambda scaling out over message groups: several pollers per queue. A FIFO queue never hands two
 * of them messages of one group at once, so per-car order holds.
 */
const QUEUE_CONCURRENCY = 4;

/** One worker per function with a trigger (HTTP ones, which have none, are the router's), as the stack's event sources and rules do. */
export const startWorkers = (
  capabilities: ReadonlyArray<readonly [string, CapabilityDefinition]>,
  options: { log?: (line: string) => void; queueUrl?: (id: QueueId) => string } = {},
): Worker[] =>
  capabilities.flatMap(([name, capability]): Worker[] => {
    const trigger = capability.trigger;
    switch (trigger?.kind) {
      case 'queue': {
        const queueUrl = options.queueUrl?.(trigger.queue) ?? process.env[queues[trigger.queue].envVar];
        if (!queueUrl) throw new Error(`${name}: no URL for queue ${trigger.queue}`);
        return [startQueueConsumer({ name, capability, trigger, queueUrl, log: options.log, concurrency: QUEUE_CONCURRENCY })];
      }
      case 'schedule':
        return [startSchedule({ name, capability, trigger, log: options.log })];
      case 'stream': {
        const tableName = process.env[tables[trigger.table].envVar];
        if (!tableName) throw new Error(`${name}: no name for table ${trigger.table}`);
        return [startStreamConsumer({ name, capability, trigger, tableName, log: options.log })];
      }
      case undefined:
        return [];
    }
  });

type QueueHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;
type ScheduleHandler = (event: ScheduledEvent, context: Context) => Promise<unknown>;

export const startQueueConsumer = (args: {
  name: string;
  capability: CapabilityDefinition;
  trigger: QueueTrigger;
  queueUrl: string;
  sqs?: SQSClient;
  log?: (line: string) => void;
  /** Pollers working at once (default 1). */
  concurrency?: number;
}): Worker => {
  const sqs = args.sqs ?? new SQSClient({});
  const log = args.log ?? (() => undefined);
  let running = true;
  const poll = async () => {
    let queueArn: string | undefined;
    let handler: QueueHandler | undefined;
    while (running) {
      try {
        // Inside the loop's try: a handler that fails to load (or a queue not there yet) is logged and
        // retried, as Lambda would keep retrying, instead of taking the whole runtime down.
        queueArn ??=
          (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: args.queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ??
          args.queueUrl;
        handler ??= (await loadHandler(args.capability.entry)) as QueueHandler;
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: args.queueUrl,
            MaxNumberOfMessages: Math.min(10, args.trigger.batchSize),
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
          }),
        );
        if (Messages.length === 0) continue;
        const response = await handler(sqsEvent(queueArn, Messages), lambdaContext(args.name, args.capability.timeoutSeconds));
        const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        const done = Messages.filter((m) => !failed.has(m.MessageId ?? ''));
        if (done.length) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: args.queueUrl,
              Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
            }),
          );
        }
      } catch (err) {
        // A thrown handler leaves the whole batch to be retried, as the event source mapping does.
        if (running) log(`${args.name}: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };
  const loops = Array.from({ length: args.concurrency ?? 1 }, () => poll());
  return {
    name: args.name,
    stop: async () => {
      running = false;
      await Promise.all(loops.map((loop) => loop.catch(() => undefined)));
    },
  };
};

export const startSchedule = (args: {
  name: string;
  capability: CapabilityDefinition;
  trigger: ScheduleTrigger;
  log?: (line: string) => void;
}): Worker => {
  const tick = async () => {
    const handler = (await loadHandler(args.capability.entry)) as ScheduleHandler;
    const event = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: new Date().toISOString(),
      region: process.env.AWS_REGION ?? LOCAL_REGION,
      resources: [],
      detail: {},
    } as ScheduledEvent;
    await handler(event, lambdaContext(args.name, args.capability.timeoutSeconds));
  };
  // One run at a time, as a schedule with reserved concurrency 1 would (a slow run is not overlapped).
  let running: { done: Promise<void>; onDemand: boolean } | undefined;
  let afterTimerRun: Promise<void> | undefined;
  const start = (onDemand: boolean): Promise<void> => {
    const done: Promise<void> = tick()
      .catch((err: Error) => args.log?.(`${args.name}: ${err.message}`))
      .finally(() => {
        if (running?.done === done) running = undefined;
      });
    running = { done, onDemand };
    return done;
  };
  // An on-demand run joins one asked for meanwhile, but not a timer run in progress: that one may have
  // read its time before the caller changed something (moved the clock, say), so a fresh run follows it.
  const runNow = (): Promise<void> => {
    if (!running) return start(true);
    if (running.onDemand) return running.done;
    return (afterTimerRun ??= running.done.then(() => {
      afterTimerRun = undefined;
      return running?.onDemand ? running.done : start(true);
    }));
  };
  const timer = setInterval(() => {
    if (!running) void start(false);
  }, args.trigger.everyMinutes * 60_000);
  timer.unref();
  return {
    name: args.name,
    runNow,
    stop: async () => {
      clearInterval(timer);
      await afterTimerRun;
      await running?.done;
    },
  };
};

type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;

/** A stream record as Lambda's DynamoDB event source hands it to a function. */
const lambdaStreamRecord = (record: StreamRecord, streamArn: string): DynamoDBRecord => {
  const { ApproximateCreationDateTime, ...rest } = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? process.env.AWS_REGION ?? LOCAL_REGION,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(rest as NonNullable<DynamoDBRecord['dynamodb']>),
      ...(ApproximateCreationDateTime ? { ApproximateCreationDateTime: Math.floor(ApproximateCreationDateTime.getTime() / 1000) } : {}),
    },
  };
};

/**
 * The local twin of Lambda's DynamoDB stream event source mapping: reads every shard of the table's
 * stream from its start, hands each shard's new records to the handler in order (at most `batchSize`
 * at once), and on a partial batch response hands the records from the first failed one on again,
 * after a pause, up to STREAM_RETRY_ATTEMPTS times; then it drops them with a log line (where AWS would
 * send the batch's description to the failure destination) and goes on.
 */
export const startStreamConsumer = (args: {
  name: string;
  capability: CapabilityDefinition;
  trigger: StreamTrigger;
  tableName: string;
  ddb?: DynamoDBClient;
  streams?: DynamoDBStreamsClient;
  log?: (line: string) => void;
  /** Pause between polls of an idle stream (default 200 ms). */
  pollMs?: number;
}): Worker => {
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  const ddb = args.ddb ?? new DynamoDBClient({});
  const streams = args.streams ?? new DynamoDBStreamsClient(endpoint ? { endpoint } : {});
  const log = args.log ?? (() => undefined);
  const pollMs = args.pollMs ?? 200;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  interface Shard {
    iterator?: string;
    /** Records read but not yet handled successfully, oldest first. */
    pending: StreamRecord[];
    /** Sequence number of the last record read from the shard. */
    lastSequence?: string;
    attempts: number;
    closed: boolean;
  }
  const shards = new Map<string, Shard>();
  let shardClosed = false;
  let running = true;

  const iteratorFor = async (streamArn: string, shardId: string, after?: string): Promise<string | undefined> =>
    (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      )
    ).ShardIterator;

  const discover = async (streamArn: string) => {
    let start: string | undefined;
    do {
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }));
      for (const shard of StreamDescription?.Shards ?? []) {
        if (!shard.ShardId || shards.has(shard.ShardId)) continue;
        shards.set(shard.ShardId, { iterator: await iteratorFor(streamArn, shard.ShardId), pending: [], attempts: 0, closed: false });
      }
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
  };

  /** One round on one shard: read more when nothing waits, hand a batch to the handler. True if it did work. */
  const work = async (shardId: string, shard: Shard, streamArn: string, handler: StreamHandler): Promise<boolean> => {
    if (shard.pending.length === 0 && shard.iterator) {
      let page;
      try {
        page = await streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: args.trigger.batchSize }));
      } catch (err) {
        const name = (err as Error).name;
        if (name !== 'TrimmedDataAccessException' && name !== 'ExpiredIteratorException') throw err;
        // An iterator taken on a shard that was still empty (DynamoDB Local) or one that aged out: take a
        // fresh one after the last record read, or from the shard's start if none was read yet.
        shard.iterator = await iteratorFor(streamArn, shardId, shard.lastSequence);
        return false;
      }
      shard.pending.push(...(page.Records ?? []));
      shard.lastSequence = page.Records?.at(-1)?.dynamodb?.SequenceNumber ?? shard.lastSequence;
      shard.iterator = page.NextShardIterator;
      if (!shard.iterator) shard.closed = shardClosed = true;
    }
    if (shard.pending.length === 0) return false;
    const batch = shard.pending.slice(0, args.trigger.batchSize);
    let failedFrom = -1;
    try {
      const response = await handler(
        { Records: batch.map((r) => lambdaStreamRecord(r, streamArn)) },
        lambdaContext(args.name, args.capability.timeoutSeconds),
      );
      const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      failedFrom = batch.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
    } catch (err) {
      log(`${args.name}: ${(err as Error).message}`);
      failedFrom = 0; // a thrown handler: the whole batch again, as the event source does
    }
    if (failedFrom === -1) {
      shard.pending.splice(0, batch.length);
      shard.attempts = 0;
      return true;
    }
    shard.pending.splice(0, failedFrom);
    if (++shard.attempts > STREAM_RETRY_ATTEMPTS) {
      const dropped = shard.pending.splice(0, batch.length - failedFrom);
      log(
        `${args.name}: dropped ${dropped.length} stream record(s) after ${STREAM_RETRY_ATTEMPTS} retries, from ${dropped[0]?.dynamodb?.SequenceNumber}`,
      );
      shard.attempts = 0;
    } else {
      await sleep(Math.min(2_000, 100 * 2 ** shard.attempts));
    }
    return true;
  };

  const loop = (async () => {
    let streamArn: string | undefined;
    let handler: StreamHandler | undefined;
    let lastDiscovery = 0;
    while (running) {
      try {
        streamArn ??= (await ddb.send(new DescribeTableCommand({ TableName: args.tableName }))).Table?.LatestStreamArn;
        if (!streamArn) throw new Error(`table ${args.tableName} has no stream`);
        handler ??= (await loadHandler(args.capability.entry)) as StreamHandler;
        // New shards appear as old ones close: look for them now and then, and whenever a shard closed.
        // Closed shards stay known (DescribeStream lists them for a day), so none is ever read twice.
        if (Date.now() - lastDiscovery > 5_000 || shardClosed) {
          shardClosed = false;
          await discover(streamArn);
          lastDiscovery = Date.now();
        }
        let busy = false;
        for (const [id, shard] of shards) if (await work(id, shard, streamArn, handler)) busy = true;
        if (!busy) await sleep(pollMs);
      } catch (err) {
        if (running) log(`${args.name}: ${(err as Error).message}`);
        await sleep(500);
      }
    }
  })();
  return {
    name: args.name,
    stop: async () => {
      running = false;
      await loop.catch(() => undefined);
    },
  };
};
