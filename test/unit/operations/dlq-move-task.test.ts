import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageBatchCommand,
  StartMessageMoveTaskCommand,
  ChangeMessageVisibilityBatchCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { redriveByMoveTask } from '../../../bin/support/dlq/move-task';
import { formatSummary, redriveTarget, type RedriveTarget } from '../../../bin/support/dlq/redrive';
import { queues } from '../../../lambdas/shared/queues';

/**
 * The AWS adapter of `npm run dlq:redrive`: SQS's StartMessageMoveTask with the DLQ as source (and the
 * queue as destination when its URL is given), waited on through ListMessageMoveTasks. SQS is mocked;
 * the copy adapter runs against fauxqs in test/integration/dlq-redrive.test.ts.
 */
const sqsMock = mockClient(SQSClient);
const sqs = new SQSClient({ region: 'eu-west-1' });

const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/dev-booking-requests-dlq.fifo';
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:123456789012:dev-booking-requests-dlq.fifo';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/dev-booking-requests.fifo';
const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:dev-booking-requests.fifo';
const HANDLE = 'eyJ0YXNrSWQiOiJ0YXNrLTEifQ==';

const booking = queues.booking;
const target = (withQueue = true): RedriveTarget =>
  redriveTarget(booking, { [booking.dlqEnvVar]: DLQ_URL, ...(withQueue ? { [booking.envVar]: QUEUE_URL } : {}) }, { queueRequired: false });

const noSleep = () => Promise.resolve();

const queuesHold = (dlqCount: number) => {
  sqsMock
    .on(GetQueueAttributesCommand, { QueueUrl: DLQ_URL })
    .resolves({
      Attributes: { QueueArn: DLQ_ARN, ApproximateNumberOfMessages: String(dlqCount), ApproximateNumberOfMessagesNotVisible: '0' },
    })
    .on(GetQueueAttributesCommand, { QueueUrl: QUEUE_URL })
    .resolves({ Attributes: { QueueArn: QUEUE_ARN, ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' } });
};

const STARTED = 1_760_000_000_000;
const task = (Status: string, moved: number, more: Record<string, unknown> = {}) => ({
  Status,
  SourceArn: DLQ_ARN,
  ApproximateNumberOfMessagesMoved: moved,
  ApproximateNumberOfMessagesToMove: 13,
  StartedTimestamp: STARTED,
  ...more,
});
const running = (moved: number) => task('RUNNING', moved, { TaskHandle: HANDLE });
const ended = (Status: string, moved: number, FailureReason?: string) => task(Status, moved, { FailureReason });
/** A task of an earlier run, ended long ago. */
const earlier = task('COMPLETED', 40, { StartedTimestamp: STARTED - 86_400_000 });

beforeEach(() => sqsMock.reset());

test('starts a move task from the DLQ to the queue, waits until it completes, and reports what SQS moved', async () => {
  queuesHold(13);
  sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: HANDLE });
  sqsMock
    .on(ListMessageMoveTasksCommand)
    .resolvesOnce({ Results: [] }) // before starting: no task
    .resolvesOnce({ Results: [running(4)] })
    .resolvesOnce({ Results: [running(9)] })
    .resolves({ Results: [ended('COMPLETED', 13)] });
  const progress: number[] = [];

  const summary = await redriveByMoveTask(sqs, target(), {
    sleep: noSleep,
    onProgress: (t) => progress.push(t.ApproximateNumberOfMessagesMoved ?? -1),
  });

  expect(sqsMock.commandCalls(StartMessageMoveTaskCommand).map((c) => c.args[0].input)).toEqual([
    { SourceArn: DLQ_ARN, DestinationArn: QUEUE_ARN, MaxNumberOfMessagesPerSecond: undefined },
  ]);
  expect(sqsMock.commandCalls(ListMessageMoveTasksCommand)[0].args[0].input).toEqual({ SourceArn: DLQ_ARN, MaxResults: 1 });
  expect(progress).toEqual([4, 9, 13]);
  expect(summary).toMatchObject({
    queue: 'booking',
    method: 'move-task',
    fifo: true,
    dlqApproximateAtStart: 13,
    moved: 13,
    failed: [],
    task: { status: 'COMPLETED', startedBefore: false, handle: undefined },
  });
  // Nothing passed through this machine.
  expect(sqsMock.commandCalls(ReceiveMessageCommand)).toHaveLength(0);
  expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  expect(formatSummary(summary)).toMatch(
    /^booking: about 13 moved back to the queue; about 13 in the DLQ at start\n {2}StartMessageMoveTask: COMPLETED$/,
  );
});

test("without the queue's URL, names no destination (SQS returns each message to its original queue), at the rate asked", async () => {
  queuesHold(2);
  sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: HANDLE });
  sqsMock
    .on(ListMessageMoveTasksCommand)
    .resolvesOnce({ Results: [earlier] }) // before starting
    .resolvesOnce({ Results: [earlier] }) // just started: SQS does not list ours yet
    .resolvesOnce({ Results: [] })
    .resolves({ Results: [ended('COMPLETED', 2)] });

  const summary = await redriveByMoveTask(sqs, target(false), { sleep: noSleep, maxPerSecond: 50 });

  expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)[0].args[0].input).toEqual({
    SourceArn: DLQ_ARN,
    DestinationArn: undefined,
    MaxNumberOfMessagesPerSecond: 50,
  });
  expect(sqsMock.commandCalls(GetQueueAttributesCommand, { QueueUrl: QUEUE_URL })).toHaveLength(0);
  // Not the earlier task's 40: it waited until its own task was listed.
  expect(summary).toMatchObject({ moved: 2, failed: [], task: { status: 'COMPLETED' } });
  expect(sqsMock.commandCalls(ListMessageMoveTasksCommand)).toHaveLength(4);
});

test('a failed task is reported as failed, with SQS’s reason', async () => {
  queuesHold(13);
  sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: HANDLE });
  sqsMock
    .on(ListMessageMoveTasksCommand)
    .resolvesOnce({ Results: [] })
    .resolves({ Results: [ended('FAILED', 3, 'AWS.SimpleQueueService.NonExistentQueue')] });

  const summary = await redriveByMoveTask(sqs, target(), { sleep: noSleep });

  expect(summary).toMatchObject({
    moved: 3,
    failed: [{ reason: 'move task FAILED: AWS.SimpleQueueService.NonExistentQueue' }],
    task: { status: 'FAILED' },
  });
  expect(formatSummary(summary)).toContain('failed -: move task FAILED: AWS.SimpleQueueService.NonExistentQueue');
});

test('an empty DLQ starts no task', async () => {
  queuesHold(0);
  sqsMock.on(ListMessageMoveTasksCommand).resolves({ Results: [earlier] });

  expect(await redriveByMoveTask(sqs, target(), { sleep: noSleep })).toMatchObject({ moved: 0, failed: [], dlqApproximateAtStart: 0 });
  expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
});

test('a task already running on the DLQ (one at a time per queue) is waited on, not started again', async () => {
  queuesHold(13);
  sqsMock
    .on(ListMessageMoveTasksCommand)
    .resolvesOnce({ Results: [running(5)] })
    .resolves({ Results: [ended('COMPLETED', 13)] });

  const summary = await redriveByMoveTask(sqs, target(), { sleep: noSleep });

  expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
  expect(summary).toMatchObject({ moved: 13, task: { status: 'COMPLETED', startedBefore: true } });
});

test('--no-wait returns while the task runs, with the handle to cancel it', async () => {
  queuesHold(13);
  sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: HANDLE });
  sqsMock.on(ListMessageMoveTasksCommand).resolves({ Results: [] });

  const summary = await redriveByMoveTask(sqs, target(), { wait: false, sleep: noSleep });

  expect(summary.task).toEqual({ handle: HANDLE, status: 'RUNNING', startedBefore: false });
  expect(sqsMock.commandCalls(ListMessageMoveTasksCommand)).toHaveLength(1);
  expect(formatSummary(summary)).toContain(`aws sqs cancel-message-move-task --task-handle '${HANDLE}'`);
});

test('gives up when SQS never lists the task it started', async () => {
  queuesHold(13);
  sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: HANDLE });
  sqsMock.on(ListMessageMoveTasksCommand).resolves({ Results: [earlier] });

  await expect(redriveByMoveTask(sqs, target(), { sleep: noSleep })).rejects.toThrow(/started but SQS does not list it/);
  expect(sqsMock.commandCalls(ListMessageMoveTasksCommand).length).toBeLessThan(20);
});

test('stops when a newer task replaced the one it waits on', async () => {
  queuesHold(13);
  sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: HANDLE });
  sqsMock
    .on(ListMessageMoveTasksCommand)
    .resolvesOnce({ Results: [] })
    .resolves({ Results: [{ ...running(1), TaskHandle: 'another' }] });

  await expect(redriveByMoveTask(sqs, target(), { sleep: noSleep })).rejects.toThrow(/no longer the DLQ's latest/);
});

test('refuses what a move task cannot do: a limit, a rate over 500', async () => {
  await expect(redriveByMoveTask(sqs, target(), { limit: 1 })).rejects.toThrow(/--limit needs --method copy/);
  await expect(redriveByMoveTask(sqs, target(), { maxPerSecond: 501 })).rejects.toThrow(/1 to 500/);
  expect(sqsMock.calls()).toHaveLength(0);
});

test('a dry run lists by receiving and releasing, as the copy adapter does: no task, nothing sent', async () => {
  queuesHold(1);
  const message = {
    MessageId: 'm-1',
    ReceiptHandle: 'r-1',
    Body: '{"reservationId":"r"}',
    Attributes: { MessageGroupId: 'car-1', ApproximateReceiveCount: '5' },
  };
  sqsMock
    .on(ReceiveMessageCommand)
    .resolvesOnce({ Messages: [message] })
    .resolves({ Messages: [] });
  sqsMock.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [{ Id: '0' }] });

  const summary = await redriveByMoveTask(sqs, target(false), { dryRun: true, waitTimeSeconds: 0 });

  expect(summary).toMatchObject({ method: 'move-task', dryRun: true, moved: 1, groups: { 'car-1': 1 } });
  expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
  expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  expect(sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand)[0].args[0].input.Entries).toEqual([
    { Id: '0', ReceiptHandle: 'r-1', VisibilityTimeout: 0 },
  ]);
});

test('the target needs the DLQ URL; the queue URL only where a copy sends to it', () => {
  expect(() => redriveTarget(booking, {}, { queueRequired: false })).toThrow(
    /^Set BOOKING_DLQ_URL \(the URL of the dead-letter queue of booking-requests.fifo\)\.$/,
  );
  expect(() => redriveTarget(booking, { [booking.dlqEnvVar]: DLQ_URL })).toThrow(
    /^Set BOOKING_QUEUE_URL \(the URL of booking-requests.fifo\)\.$/,
  );
  expect(target(false)).toEqual({ name: 'booking', queueUrl: undefined, dlqUrl: DLQ_URL, fifo: true });
});
