import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { queueList, type QueueDefinition } from '../../lambdas/shared/queues';
import { redriveByCopy as redrive } from '../../bin/support/dlq/copy-messages';
import { redriveTarget, type RedriveTarget } from '../../bin/support/dlq/redrive';
import type { QueueUrls } from '../../local/standins/resources';
import { testMessaging, type TestMessaging } from '../support/aws-services';

/**
 * The DLQ redrive's copy adapter (npm run dlq:redrive, as --local runs it) against fauxqs, with the queues the local runtime creates from
 * lambdas/shared/queues.ts: messages put in a queue's DLQ come back to the queue with their bodies and
 * attributes (and, on a FIFO queue, their message groups, in order within each group), and the DLQ
 * ends empty.
 */
let aws: TestMessaging;
let sqs: SQSClient;
let urls: Record<string, QueueUrls>;

beforeAll(async () => {
  aws = await testMessaging();
  ({ sqs } = aws);
  urls = await aws.createQueues();
}, 60_000);

afterAll(async () => {
  await aws?.drop();
});

const count = async (url: string) => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
};

/**
 * Everything in a queue, in the order it is handed out: each message is deleted once read, since a FIFO
 * queue hands out no more of a group while one of its messages is in flight.
 */
const drain = async (url: string): Promise<Message[]> => {
  const all: Message[] = [];
  for (let empty = 0; empty < 2;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 60,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    if (!Messages.length) empty++;
    all.push(...Messages);
    for (const m of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
  }
  return all;
};

/** Dead letters as a producer sends them: on a FIFO queue, group = car and a deduplication id of its own. */
const deadLetters = Array.from({ length: 13 }, (_, i) => ({
  body: JSON.stringify({ reservationId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, carId: `car-${i % 3}` }),
  group: `car-${i % 3}`,
  dedup: `reservation-${i}`,
  correlationId: `corr-${i}`,
}));

describe.each(queueList.map((def) => [def.id, def] as const))('redrive of the %s queue', (_id, def: QueueDefinition) => {
  let target: RedriveTarget;
  beforeAll(() => {
    target = redriveTarget(def, { [def.envVar]: urls[def.id].queueUrl, [def.dlqEnvVar]: urls[def.id].dlqUrl });
  });

  it('moves every dead letter back to its queue with its body and attributes (and group), and empties the DLQ', async () => {
    for (const m of deadLetters) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: target.dlqUrl,
          MessageBody: m.body,
          // The same deduplication ids are used here on the DLQ: a redrive must not reuse them.
          ...(def.fifo ? { MessageGroupId: m.group, MessageDeduplicationId: m.dedup } : {}),
          MessageAttributes: { correlationId: { DataType: 'String', StringValue: m.correlationId } },
        }),
      );
    }
    expect(await count(target.dlqUrl)).toBe(deadLetters.length);

    // A dry run lists (on a FIFO queue at least the first of every group) and moves nothing.
    const dry = await redrive(sqs, target, { dryRun: true });
    expect(dry.moved).toBeGreaterThan(0);
    if (def.fifo) expect(Object.keys(dry.groups).sort()).toEqual(['car-0', 'car-1', 'car-2']);
    expect(await count(target.dlqUrl)).toBe(deadLetters.length);
    expect(await count(target.queueUrl!)).toBe(0);

    const summary = await redrive(sqs, target);
    expect(summary).toMatchObject({ moved: deadLetters.length, failed: [], cameBack: 0 });
    if (def.fifo) expect(summary.groups).toEqual({ 'car-0': 5, 'car-1': 4, 'car-2': 4 });
    expect(await count(target.dlqUrl)).toBe(0);

    const back = await drain(target.queueUrl!);
    expect(back).toHaveLength(deadLetters.length);
    const attributesOf = (list: Message[]) =>
      Object.fromEntries(list.map((m) => [m.Body, m.MessageAttributes?.correlationId?.StringValue]));
    expect(attributesOf(back)).toEqual(Object.fromEntries(deadLetters.map((m) => [m.body, m.correlationId])));
    if (def.fifo) {
      for (const group of ['car-0', 'car-1', 'car-2']) {
        // In order within the group, each with a new deduplication id.
        const got = back.filter((m) => m.Attributes?.MessageGroupId === group);
        expect(got.map((m) => m.Body)).toEqual(deadLetters.filter((m) => m.group === group).map((m) => m.body));
        for (const m of got) expect(m.Attributes?.MessageDeduplicationId).toMatch(/^redrive-/);
      }
    }
  });

  it('with nothing in the DLQ, moves nothing', async () => {
    expect(await redrive(sqs, target)).toMatchObject({ moved: 0, failed: [], dlqApproximateAtStart: 0 });
  });
});
