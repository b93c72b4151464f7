import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  StartMessageMoveTaskCommand,
  type ListMessageMoveTasksResultEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { redriveByCopy } from './copy-messages';
import type { RedriveOptions, RedriveSummary, RedriveTarget } from './redrive';

/**
 * The AWS adapter of the redrive (./redrive.ts): SQS's own StartMessageMoveTask moves the DLQ's messages
 * back, FIFO included (each keeps its message group; SQS handles deduplication), at up to 500 a second,
 * inside SQS: nothing passes through this machine, and a lost connection does not stop it. Without a
 * destination each message returns to the queue it was dead-lettered from; with the queue's URL that
 * queue is named explicitly. A dry run lists by receiving, as the copy adapter does (a move task cannot
 * list). SQS runs one task per DLQ at a time: if one is running (an earlier run, the console's "Start
 * DLQ redrive"), this waits for it instead of starting another.
 *
 * IAM: sqs:StartMessageMoveTask, sqs:ListMessageMoveTasks, sqs:GetQueueAttributes, sqs:ReceiveMessage,
 * sqs:DeleteMessage on the DLQ, sqs:SendMessage on the queue (SQS acts with the caller's permissions).
 */
export interface MoveTaskOptions extends RedriveOptions {
  /** MaxNumberOfMessagesPerSecond (1 to 500); SQS picks a rate from the backlog when absent. */
  maxPerSecond?: number;
  /** Wait until the task ends (default true); false: start it and return while it runs. */
  wait?: boolean;
  /** Between two ListMessageMoveTasks while waiting (default 2000 ms). */
  pollIntervalMs?: number;
  /** Called with each status read while waiting, for progress output. */
  onProgress?: (task: ListMessageMoveTasksResultEntry) => void;
  /** For tests. */
  sleep?: (ms: number) => Promise<unknown>;
}

const ENDED = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
/** Polls after starting a task during which SQS may not list it yet. */
const UNSEEN_POLLS = 15;

const queueState = async (sqs: SQSClient, url: string) => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  if (!Attributes.QueueArn) throw new Error(`SQS returned no QueueArn for ${url}.`);
  return {
    arn: Attributes.QueueArn,
    count: Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
};

/** The DLQ's most recent move task (SQS lists the newest first). */
const latestTask = async (sqs: SQSClient, dlqArn: string): Promise<ListMessageMoveTasksResultEntry | undefined> =>
  (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 1 }))).Results?.[0];

export const redriveByMoveTask = async (sqs: SQSClient, target: RedriveTarget, options: MoveTaskOptions = {}): Promise<RedriveSummary> => {
  if (options.dryRun) return { ...(await redriveByCopy(sqs, target, options)), method: 'move-task' };
  if (options.limit !== undefined) throw new Error('A move task moves the whole DLQ: --limit needs --method copy.');
  const { maxPerSecond } = options;
  if (maxPerSecond !== undefined && !(Number.isInteger(maxPerSecond) && maxPerSecond >= 1 && maxPerSecond <= 500)) {
    throw new Error('The move rate must be a whole number from 1 to 500 messages a second.');
  }

  const dlq = await queueState(sqs, target.dlqUrl);
  const summary: RedriveSummary = {
    queue: target.name,
    method: 'move-task',
    fifo: target.fifo,
    dryRun: false,
    dlqApproximateAtStart: dlq.count,
    moved: 0,
    failed: [],
    cameBack: 0,
    groups: {},
    messages: [],
  };

  const previous = await latestTask(sqs, dlq.arn);
  const startedBefore = previous?.Status === 'RUNNING' || previous?.Status === 'CANCELLING';
  if (!startedBefore && dlq.count === 0) return summary;

  let handle = startedBefore ? previous?.TaskHandle : undefined;
  if (!startedBefore) {
    const destination = target.queueUrl ? (await queueState(sqs, target.queueUrl)).arn : undefined;
    ({ TaskHandle: handle } = await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: destination, MaxNumberOfMessagesPerSecond: maxPerSecond }),
    ));
  }
  summary.task = { handle, status: 'RUNNING', startedBefore };
  if (options.wait === false) return summary;

  const pause = options.sleep ?? sleep;
  for (let unseen = 0; ;) {
    await pause(options.pollIntervalMs ?? 2_000);
    const task = await latestTask(sqs, dlq.arn);
    // Just started, the list may still show the task before ours (or none): look again, for a while.
    if (!startedBefore && (!task || (previous && task.StartedTimestamp === previous.StartedTimestamp))) {
      if (++unseen < UNSEEN_POLLS) continue;
      throw new Error(`The move task of ${target.name} was started but SQS does not list it; see aws sqs list-message-move-tasks.`);
    }
    // Only a RUNNING task is listed with its handle: one with another handle is not ours (a newer task replaced it).
    if (!task || (task.TaskHandle && handle && task.TaskHandle !== handle)) {
      throw new Error(`The move task of ${target.name} is no longer the DLQ's latest; see aws sqs list-message-move-tasks.`);
    }
    options.onProgress?.(task);
    summary.moved = task.ApproximateNumberOfMessagesMoved ?? summary.moved;
    summary.task = { handle: ENDED.has(task.Status ?? '') ? undefined : handle, status: task.Status ?? 'UNKNOWN', startedBefore };
    if (!ENDED.has(task.Status ?? '')) continue;
    if (task.Status !== 'COMPLETED') {
      summary.failed.push({ messageId: '-', reason: `move task ${task.Status}${task.FailureReason ? `: ${task.FailureReason}` : ''}` });
    }
    return summary;
  }
};
