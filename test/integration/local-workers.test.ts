import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { CapabilityDefinition } from '../../lambdas/capabilities';
import { startQueueConsumer, startWorkers, type Worker } from '../../local/workers';
import { batches, concurrency, groupOverlaps, received } from '../support/fixtures/queue-handler';
import { runs } from '../support/fixtures/schedule-handler';
import { sdkEnvironment, testMessaging, type TestMessaging } from '../support/aws-services';

/**
 * The local twin of Lambda's SQS event source mapping, against the fauxqs FIFO queue: SQS-shaped events,
 * successes deleted, reported failures redelivered and, after maxReceiveCount, moved to the DLQ.
 */
let aws: TestMessaging;
let sqs: SQSClient;
let worker: Worker | undefined;

const capability = {
  entry: 'test/support/fixtures/queue-handler.ts',
  description: 'test consumer',
  trigger: { kind: 'queue', queue: 'booking', batchSize: 10 },
  uses: {},
} satisfies CapabilityDefinition;

const fifoQueue = async (name: string, attributes: Record<string, string> = {}) =>
  (await sqs.send(new CreateQueueCommand({ QueueName: `${aws.prefix}${name}.fifo`, Attributes: { FifoQueue: 'true', ...attributes } })))
    .QueueUrl!;
const queueDepth = async (queueUrl: string) => {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes!.ApproximateNumberOfMessages) + Number(Attributes!.ApproximateNumberOfMessagesNotVisible);
};

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
};

beforeAll(async () => {
  aws = await testMessaging();
  ({ sqs } = aws);
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await aws?.drop();
});

it('delivers SQS-shaped batches, deletes successes and dead-letters a message that keeps failing', async () => {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${aws.prefix}worker-test-dlq.fifo`, Attributes: { FifoQueue: 'true' } }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }));
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${aws.prefix}worker-test.fifo`,
      Attributes: {
        FifoQueue: 'true',
        VisibilityTimeout: '1',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes!.QueueArn, maxReceiveCount: 2 }),
      },
    }),
  );
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queue.QueueUrl,
      Entries: ['ok-1', 'please-fail', 'ok-2'].map((body, i) => ({
        Id: String(i),
        MessageBody: body,
        MessageGroupId: body === 'please-fail' ? 'car-bad' : 'car-1',
        MessageDeduplicationId: body,
      })),
    }),
  );

  worker = startQueueConsumer({ name: 'test', capability, trigger: capability.trigger, queueUrl: queue.QueueUrl!, sqs });
  expect(worker.name).toBe('test');

  // Both good messages arrive once each, in order within their group, with the group id attached.
  await until(() => received.filter((r) => r.body.startsWith('ok')).length >= 2);
  expect(received.filter((r) => r.body.startsWith('ok')).map((r) => [r.body, r.groupId])).toEqual([
    ['ok-1', 'car-1'],
    ['ok-2', 'car-1'],
  ]);
  // The failing one is retried after the visibility timeout, then lands in the DLQ.
  await until(() => received.filter((r) => r.body === 'please-fail').length >= 2);
  let dead: string[] = [];
  await until(async () => {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.QueueUrl, WaitTimeSeconds: 1 }));
    dead = dead.concat(Messages.map((m) => m.Body!));
    return dead.length > 0;
  });
  expect(dead).toEqual(['please-fail']);
  await worker.stop();
  worker = undefined;
  // Successes were deleted: nothing is left to redeliver.
  expect(received.filter((r) => r.body.startsWith('ok'))).toHaveLength(2);
  const { Attributes: left } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queue.QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  expect(Number(left!.ApproximateNumberOfMessages) + Number(left!.ApproximateNumberOfMessagesNotVisible)).toBe(0);
});

it('several pollers on one FIFO queue keep each message group in order and never run one group twice at once', async () => {
  const queueUrl = await fifoQueue('worker-concurrency', { VisibilityTimeout: '30' });
  const groups = ['car-a', 'car-b', 'car-c', 'car-d', 'car-e', 'car-f'];
  const perGroup = 6;
  const bodies = groups.flatMap((g) => Array.from({ length: perGroup }, (_, i) => `slow-${g}-${i}`));
  // Sent in order per group (each batch of ten holds consecutive messages of a group or two).
  for (let i = 0; i < bodies.length; i += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.slice(i, i + 10).map((body, j) => ({
          Id: String(j),
          MessageBody: body,
          MessageGroupId: body.slice('slow-'.length, body.lastIndexOf('-')),
          MessageDeduplicationId: body,
        })),
      }),
    );
  }
  const batchesBefore = batches.length;
  worker = startQueueConsumer({
    name: 'concurrent',
    capability,
    trigger: { ...capability.trigger, batchSize: 3 },
    queueUrl,
    sqs,
    concurrency: 4,
  });

  const mine = () => received.filter((r) => r.body.startsWith('slow-car-'));
  await until(() => mine().length >= bodies.length);
  await worker.stop();
  worker = undefined;
  // Each message once, each group in the order sent, never two batches of one group at the same time.
  expect(
    mine()
      .map((r) => r.body)
      .sort(),
  ).toEqual([...bodies].sort());
  for (const group of groups) {
    expect(
      mine()
        .filter((r) => r.groupId === group)
        .map((r) => r.body),
    ).toEqual(bodies.filter((b) => b.includes(`-${group}-`)));
  }
  expect(groupOverlaps).toEqual([]);
  // ...while batches of different groups did run at the same time.
  expect(concurrency.max).toBeGreaterThan(1);
  // The trigger's batch size caps every batch, and the work was spread over several batches.
  const newBatches = batches.slice(batchesBefore);
  expect(Math.max(...newBatches.map((b) => b.length))).toBeLessThanOrEqual(3);
  expect(newBatches.length).toBeGreaterThanOrEqual(bodies.length / 3);
  expect(await queueDepth(queueUrl)).toBe(0);
});

it('startWorkers starts one worker per queue- or schedule-triggered function, none for HTTP ones', async () => {
  const queueUrl = await fifoQueue('worker-start');
  const schedule = {
    entry: 'test/support/fixtures/schedule-handler.ts',
    description: 'test schedule',
    trigger: { kind: 'schedule', everyMinutes: 60 },
    uses: {},
  } satisfies CapabilityDefinition;
  const http = {
    entry: 'lambdas/handlers/operations/health.ts',
    description: 'test http',
    uses: {},
  } satisfies CapabilityDefinition;
  // startWorkers builds its SQS client from the environment, as the local runtime sets it.
  const saved = { ...process.env };
  Object.assign(process.env, {
    ...sdkEnvironment(),
    AWS_ENDPOINT_URL_SQS: aws.sqsEndpoint,
  });
  const asked: string[] = [];
  const started = startWorkers(
    [
      ['consumer', capability],
      ['sweeper', schedule],
      ['api', http],
    ],
    { queueUrl: (id) => (asked.push(id), queueUrl) },
  );
  try {
    expect(started.map((w) => w.name)).toEqual(['consumer', 'sweeper']);
    // The consumer's queue is found by its trigger's queue id.
    expect(asked).toEqual(['booking']);
    const sweeper = started.find((w) => w.name === 'sweeper')!;
    // runNow runs the schedule at once, one run at a time: a second call while it runs joins it.
    const before = runs.length;
    await Promise.all([sweeper.runNow!(), sweeper.runNow!()]);
    expect(runs.length).toBe(before + 1);
    expect(runs.at(-1)).toMatchObject({ functionName: 'sweeper', event: { 'detail-type': 'Scheduled Event', source: 'aws.events' } });
    await sweeper.runNow!();
    expect(runs.length).toBe(before + 2);
    // The queue consumer is live: a message sent now is handled.
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [{ Id: '0', MessageBody: 'ok-started', MessageGroupId: 'g', MessageDeduplicationId: 'ok-started' }],
      }),
    );
    await until(() => received.some((r) => r.body === 'ok-started'));
  } finally {
    await Promise.all(started.map((w) => w.stop()));
    process.env = saved;
  }
  expect(() => startWorkers([['consumer', capability]], { queueUrl: () => '' })).toThrow(/no URL for queue booking/);
});
