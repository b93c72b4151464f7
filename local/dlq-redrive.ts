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
import { queueList, queues, type QueueDefinition, type QueueId } from '../lambdas/shared/queues';

/**
 * Moves the messages of a dead-letter queue back to the queue they came from (`npm run dlq:redrive`),
 * with nothing but ReceiveMessage, SendMessageBatch and DeleteMessageBatch, so it works the same on
 * AWS SQS and on fauxqs (which has no StartMessageMoveTask).
 *
 * Each message is sent again with its body, its message attributes, its message group (FIFO) and a
 * new deduplication id: the original one may still be inside SQS's 5-minute deduplication window, where
 * a send with it would be accepted and silently dropped. Only after SQS accepted the send is the message
 * deleted from the DLQ, so a crash in between sends it twice rather than losing it (at least once; the
 * booking worker finds an already decided reservation and changes nothing). Within a message group the
 * DLQ hands messages out in order and they are sent in that order.
 */

export interface RedriveTarget {
  /** A name for the summary (the queue id of lambdas/shared/queues.ts). */
  name: string;
  queueUrl: string;
  dlqUrl: string;
  fifo: boolean;
}

export interface RedriveMessage {
  messageId: string;
  groupId?: string;
  /** How many times the source queue handed it out before it was dead-lettered (as SQS counts it). */
  receiveCount?: number;
  /** When it was first sent, ISO. */
  sentAt?: string;
  body: string;
}

export interface RedriveSummary {
  queue: string;
  fifo: boolean;
  dryRun: boolean;
  /** ApproximateNumberOfMessages (+ NotVisible) of the DLQ when the run started. */
  dlqApproximateAtStart: number;
  /** Moved back to the queue (deleted from the DLQ); in a dry run, listed. */
  moved: number;
  /** SQS refused the send; they stay in the DLQ (visible again after the visibility timeout). */
  failed: Array<{ messageId: string; reason: string }>;
  /** Messages sent back during this run that failed again and were dead-lettered again: left in the DLQ. */
  cameBack: number;
  /** Messages per message group (FIFO), moved or listed. */
  groups: Record<string, number>;
  messages: RedriveMessage[];
}

export interface RedriveOptions {
  dryRun?: boolean;
  /** Seconds a received DLQ message stays hidden while it is being moved (default 60). */
  visibilityTimeoutSeconds?: number;
  /** Long-poll wait of each receive; on AWS a short poll can answer empty while messages exist (default 1). */
  waitTimeSeconds?: number;
  /** Empty receives in a row that mean "the DLQ is empty" (default 2). */
  emptyReceivesToStop?: number;
  /** Stop after this many messages (default: no limit). */
  limit?: number;
  /** Called with each batch handled, for progress output. */
  onBatch?: (messages: RedriveMessage[]) => void;
}

/** The queues to redrive: every one of lambdas/shared/queues.ts, or the one named. */
export const redriveDefinitions = (only?: string): QueueDefinition[] => {
  if (only === undefined) return [...queueList];
  const def = queues[only as QueueId];
  if (!def) throw new Error(`Unknown queue "${only}"; known: ${queueList.map((q) => q.id).join(', ')}.`);
  return [def];
};

/** The URLs of a queue and its DLQ from an environment (the local runtime's, or the deployed stack's outputs). */
export const redriveTarget = (def: QueueDefinition, env: Record<string, string | undefined>): RedriveTarget => {
  const queueUrl = env[def.envVar];
  const dlqUrl = env[def.dlqEnvVar];
  const missing = [
    [def.envVar, queueUrl],
    [def.dlqEnvVar, dlqUrl],
  ]
    .filter(([, v]) => !v)
    .map(([name]) => name);
  if (missing.length) throw new Error(`Set ${missing.join(' and ')} (the URLs of ${def.name} and its dead-letter queue).`);
  return { name: def.id, queueUrl: queueUrl!, dlqUrl: dlqUrl!, fifo: def.fifo };
};

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
export const redrive = async (sqs: SQSClient, target: RedriveTarget, options: RedriveOptions = {}): Promise<RedriveSummary> => {
  const dryRun = options.dryRun ?? false;
  const limit = options.limit ?? Infinity;
  const summary: RedriveSummary = {
    queue: target.name,
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
      else handled = await moveBatch(sqs, target, fresh, run, summary, sentIds);
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
  target: RedriveTarget,
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

/** One line per queue, and the groups, for the command line. */
export const formatSummary = (s: RedriveSummary): string => {
  const groups = Object.entries(s.groups);
  return [
    `${s.queue}: ${s.dryRun ? `${s.moved} listed (dry run: nothing moved)` : `${s.moved} moved back to the queue`}; ` +
      `about ${s.dlqApproximateAtStart} in the DLQ at start` +
      (s.failed.length ? `; ${s.failed.length} failed` : '') +
      (s.cameBack ? `; ${s.cameBack} failed again and were dead-lettered again during this run (left in the DLQ)` : ''),
    ...(s.dryRun && s.fifo && s.moved < s.dlqApproximateAtStart
      ? [
          '  (a FIFO queue hands out no more of a message group while earlier messages of it are held, so a dry run lists the first of each group)',
        ]
      : []),
    ...(groups.length ? [`  message groups: ${groups.map(([g, n]) => `${g} (${n})`).join(', ')}`] : []),
    ...s.failed.map((f) => `  failed ${f.messageId}: ${f.reason}`),
  ].join('\n');
};
