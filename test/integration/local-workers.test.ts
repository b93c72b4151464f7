import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { CapabilityDefinition } from '../../lambdas/capabilities';
import { clientConfig } from '../../local/standins/aws';
import { startFauxqs, type FauxqsStandIn } from '../../local/standins/fauxqs';
import { startQueueConsumer, type Worker } from '../../local/workers';
import { received } from '../support/fixtures/queue-handler';

/**
 * The local twin of Lambda's SQS event source mapping, against the fauxqs FIFO queue: SQS-shaped events,
 * successes deleted, reported failures redelivered and, after maxReceiveCount, moved to the DLQ.
 */
let fauxqs: FauxqsStandIn;
let sqs: SQSClient;
let worker: Worker | undefined;

const capability = {
  entry: 'test/support/fixtures/queue-handler.ts',
  description: 'test consumer',
  trigger: { kind: 'queue', queue: 'booking', batchSize: 10 },
  uses: {},
} satisfies CapabilityDefinition;

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
};

beforeAll(async () => {
  fauxqs = await startFauxqs();
  sqs = new SQSClient(clientConfig(fauxqs.sqsEndpoint));
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  sqs?.destroy();
  await fauxqs?.stop();
});

it('delivers SQS-shaped batches, deletes successes and dead-letters a message that keeps failing', async () => {
  const dlq = await sqs.send(
    new CreateQueueCommand({ QueueName: 'worker-test-dlq.fifo', Attributes: { FifoQueue: 'true' } }),
  );
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: 'worker-test.fifo',
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

  worker = startQueueConsumer({ name: 'test', capability, queueUrl: queue.QueueUrl!, sqs });

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
