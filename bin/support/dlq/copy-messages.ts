import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  type MessageSystemAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { RedriveMessage, RedriveOptions, RedriveSummary, RedriveTarget } from './redrive';

/**
 * The copy adapter of the redrive (./redrive.ts): moves the messages of a dead-letter queue back to the
 * queue they came from with nothing but ReceiveMessage, SendMessageBatch and DeleteMessageBatch, so it
 * works the same on AWS SQS and on fauxqs (which has no StartMessageMoveTask): `--local` uses it, and
 * `--method copy` on AWS (to move a few with --limit). Every dry run lists through it.
 *
 * Each message is sent again with its body, its message attributes, its message group (FIFO) and a
 * new deduplication id: the original one may still be inside SQS's 5-minute deduplication window, where
 * a send with it would be accepted and silently dropped. Only after SQS accepted the send is the message
 * deleted from the DLQ, so a crash in between sends it twice rather than losing it (at least once; the
 * booking worker finds an already decided reservation and changes nothing). Within a message group the
 * DLQ hands messages out in order and they are sent in that order.
 */

const BATCH = 10;

const summaryOf = (m: Message): RedriveMessage => ({
  messageId: m.MessageId ?? '',
  groupId: m.Attributes?.MessageGroupId,
  receiveCount: m.Attributes?.ApproximateReceiveCount ? Number(m.Attributes.ApproximateReceiveCount) : undefined,
  sentAt: m.Attributes?.SentTimestamp ? new Date(Number(m.Attributes.SentTimestamp)).toISOString() : undefined,
  body: m.Body ?? '',
});

/** Message attributes as SendMessage takes them (the received ones carry empty list fields). */
const attributesOf = (m: Message): Record<string, MessageAttributeValue> | undefined => {
  const entries = Object.entries(m.MessageAttributes ?? {});
  if (!entries.length) return undefined;
  return Object.fromEntries(
    entries.map(([name, v]) => [
      name,
      {
        DataType: v.DataType,
        ...(v.StringValue !== undefined ? { StringValue: v.StringValue } : {}),
        ...(v.BinaryValue !== undefined ? { BinaryValue: v.BinaryValue } : {}),
      },
    ]),
  );
};

/** The X-Ray trace header is the one system attribute a sender may set: kept, so the redriven message joins its trace. */
const systemAttributesOf = (m: Message): Record<string, MessageSystemAttributeValue> | undefined =>
  m.Attributes?.AWSTraceHeader ? { AWSTraceHeader: { DataType: 'String', StringValue: m.Attributes.AWSTraceHeader } } : undefined;

const approximateCount = async (sqs: SQSClient, url: string): Promise<number> => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
};

/** Makes received messages visible again at once (a dry run, or messages left behind). */
const release = async (sqs: SQSClient, url: string, messages: Message[]) => {
  for (let i = 0; i < messages.length; i += BATCH) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: messages.slice(i, i + BATCH).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })),
      }),
    );
  }
};

/**
 * Moves every message of the target's DLQ back to its queue (or, with `dryRun`, lists them and leaves
 * them where they are), until receives come back empty.
 *
 * A dry run keeps what it received hidden until it has seen everything, then makes it all visible
 * again. On a FIFO DLQ that lists only what SQS will hand out while earlier messages of a group are
 * in flight (up to 10 per receive, usually the head of each group); `dlqApproximateAtStart` gives the
 * full count.
 */
export const redriveByCopy = async (sqs: SQSClient, target: RedriveTarget, options: RedriveOptions = {}): Promise<RedriveSummary> => {
  const dryRun = options.dryRun ?? false;
  const limit = options.limit ?? Infinity;
  const queueUrl = target.queueUrl;
  if (!dryRun && !queueUrl) throw new Error(`${target.name}: copying messages back needs the queue's URL.`);
  const summary: RedriveSummary = {
    queue: target.name,
    method: 'copy',
    fifo: target.fifo,
    dryRun,
    dlqApproximateAtStart: await approximateCount(sqs, target.dlqUrl),
    moved: 0,
    failed: [],
    cameBack: 0,
    groups: {},
    messages: [],
  };
  // One id per run: a redriven message cannot collide with its original's deduplication id, nor with
  // an earlier redrive of the same message that is still in the window.
  const run = randomUUID().slice(0, 8);
  const sentIds = new Set<string>();
  const seen = new Set<string>();
  const held: Message[] = [];
  let empties = 0;

  try {
    while (summary.moved < limit && empties < (options.emptyReceivesToStop ?? 2)) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: target.dlqUrl,
          MaxNumberOfMessages: Math.min(BATCH, limit - summary.moved),
          WaitTimeSeconds: options.waitTimeSeconds ?? 1,
          VisibilityTimeout: options.visibilityTimeoutSeconds ?? 60,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      // A message sent back in this very run that failed again is not sent round a second time.
      const back = Messages.filter((m) => sentIds.has(m.MessageId ?? ''));
      summary.cameBack += back.length;
      held.push(...back);
      const fresh = Messages.filter((m) => !sentIds.has(m.MessageId ?? '') && !seen.has(m.MessageId ?? ''));
      if (fresh.length === 0) {
        empties++;
        continue;
      }
      empties = 0;
      fresh.forEach((m) => seen.add(m.MessageId ?? ''));

      let handled = fresh;
      if (dryRun) held.push(...fresh);
      else handled = await moveBatch(sqs, { ...target, queueUrl: queueUrl! }, fresh, run, summary, sentIds);
      const listed = handled.map(summaryOf);
      for (const m of listed) summary.groups[m.groupId ?? '(none)'] = (summary.groups[m.groupId ?? '(none)'] ?? 0) + 1;
      summary.messages.push(...listed);
      summary.moved += listed.length;
      options.onBatch?.(listed);
    }
  } finally {
    await release(sqs, target.dlqUrl, held).catch(() => undefined);
  }
  return summary;
};

/** Sends one received batch to the queue and deletes from the DLQ what SQS accepted; returns those. */
const moveBatch = async (
  sqs: SQSClient,
  target: RedriveTarget & { queueUrl: string },
  messages: Message[],
  run: string,
  summary: RedriveSummary,
  sentIds: Set<string>,
): Promise<Message[]> => {
  const entries: SendMessageBatchRequestEntry[] = messages.map((m, i) => ({
    Id: String(i),
    MessageBody: m.Body ?? '',
    MessageAttributes: attributesOf(m),
    MessageSystemAttributes: systemAttributesOf(m),
    ...(target.fifo
      ? {
          // A FIFO message always has a group; a message without one cannot be sent to a FIFO queue.
          MessageGroupId: m.Attributes?.MessageGroupId,
          MessageDeduplicationId: `redrive-${run}-${m.MessageId}`,
        }
      : {}),
  }));
  const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: target.queueUrl, Entries: entries }));
  for (const failure of result.Failed ?? []) {
    summary.failed.push({
      messageId: messages[Number(failure.Id)].MessageId ?? '',
      reason: `${failure.Code}: ${failure.Message ?? ''}`.trim(),
    });
  }
  const sent = (result.Successful ?? []).map((s) => {
    if (s.MessageId) sentIds.add(s.MessageId);
    return messages[Number(s.Id)];
  });
  if (sent.length) {
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: target.dlqUrl,
        Entries: sent.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    // Sent but not deleted: it reappears in the DLQ after the visibility timeout and would go round twice.
    for (const failure of deleted.Failed ?? []) {
      summary.failed.push({
        messageId: sent[Number(failure.Id)].MessageId ?? '',
        reason: `sent, but not deleted from the DLQ: ${failure.Code}`,
      });
    }
  }
  return sent;
};
