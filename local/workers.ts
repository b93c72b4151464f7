import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, Context, ScheduledEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { CapabilityDefinition } from '../lambdas/capabilities';
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
  stop(): Promise<void>;
}

type QueueHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;
type ScheduleHandler = (event: ScheduledEvent, context: Context) => Promise<unknown>;

export const startQueueConsumer = (args: {
  name: string;
  capability: CapabilityDefinition & { trigger: { kind: 'queue'; batchSize: number } };
  queueUrl: string;
  sqs?: SQSClient;
  log?: (line: string) => void;
}): Worker => {
  const sqs = args.sqs ?? new SQSClient({});
  const log = args.log ?? (() => undefined);
  let running = true;
  const loop = (async () => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: args.queueUrl, AttributeNames: ['QueueArn'] }),
    );
    const queueArn = Attributes?.QueueArn ?? args.queueUrl;
    const handler = (await loadHandler(args.capability.entry)) as QueueHandler;
    while (running) {
      try {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: args.queueUrl,
            MaxNumberOfMessages: Math.min(10, args.capability.trigger.batchSize),
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
  })();
  return {
    stop: async () => {
      running = false;
      await loop.catch(() => undefined);
    },
  };
};

export const startSchedule = (args: {
  name: string;
  capability: CapabilityDefinition & { trigger: { kind: 'schedule'; everyMinutes: number } };
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
    await handler(event, lambdaContext(args.name, args.capability.timeoutSeconds)).catch((err: Error) =>
      args.log?.(`${args.name}: ${err.message}`),
    );
  };
  const timer = setInterval(() => void tick(), args.capability.trigger.everyMinutes * 60_000);
  timer.unref();
  return { stop: async () => clearInterval(timer) };
};
