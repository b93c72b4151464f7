import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, Context, ScheduledEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { CapabilityDefinition, Trigger } from '../lambdas/capabilities';
import { queues, type QueueId } from '../lambdas/shared/queues';
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

/**
 * Like Lambda scaling out over message groups: several pollers per queue. A FIFO queue never hands two
 * of them messages of one group at once, so per-car order holds.
 */
const QUEUE_CONCURRENCY = 4;

/** One worker per function whose trigger is not HTTP, as the stack's event sources and rules do. */
export const startWorkers = (
  capabilities: ReadonlyArray<readonly [string, CapabilityDefinition]>,
  options: { log?: (line: string) => void; queueUrl?: (id: QueueId) => string } = {},
): Worker[] =>
  capabilities.flatMap(([name, capability]): Worker[] => {
    const trigger = capability.trigger;
    switch (trigger.kind) {
      case 'queue': {
        const queueUrl = options.queueUrl?.(trigger.queue) ?? process.env[queues[trigger.queue].envVar];
        if (!queueUrl) throw new Error(`${name}: no URL for queue ${trigger.queue}`);
        return [startQueueConsumer({ name, capability, trigger, queueUrl, log: options.log, concurrency: QUEUE_CONCURRENCY })];
      }
      case 'schedule':
        return [startSchedule({ name, capability, trigger, log: options.log })];
      case 'http':
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
        queueArn ??= (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: args.queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? args.queueUrl;
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
