import { queueList, queues, type QueueDefinition, type QueueId } from '../../../lambdas/shared/queues';

/**
 * The port of `npm run dlq:redrive`: move a dead-letter queue's messages back to the queue they came from.
 * Two adapters: `copy-messages.ts` (receive, send again, delete: works on any SQS, fauxqs included, so
 * `--local` uses it) and `move-task.ts` (SQS's own StartMessageMoveTask: what a deployed stage uses).
 */
export type RedriveMethod = 'copy' | 'move-task';

export interface RedriveTarget {
  /** A name for the summary (the queue id of lambdas/shared/queues.ts). */
  name: string;
  /** Where the messages go back to: required to copy; a move task without it returns each to its original queue. */
  queueUrl?: string;
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
  method: RedriveMethod;
  fifo: boolean;
  dryRun: boolean;
  /** ApproximateNumberOfMessages (+ NotVisible) of the DLQ when the run started. */
  dlqApproximateAtStart: number;
  /** Moved back to the queue (deleted from the DLQ); in a dry run, listed. A move task's count is SQS's approximation. */
  moved: number;
  /** SQS refused the send (they stay in the DLQ), or the move task failed or was cancelled. */
  failed: Array<{ messageId: string; reason: string }>;
  /** Messages sent back during this run that failed again and were dead-lettered again: left in the DLQ (copy only). */
  cameBack: number;
  /** Messages per message group (FIFO), moved or listed (copy only: a move task does not say). */
  groups: Record<string, number>;
  messages: RedriveMessage[];
  /** The move task, when one ran: its handle (to cancel it) while it runs, and its last status. */
  task?: { handle?: string; status: string; startedBefore: boolean };
}

export interface RedriveOptions {
  dryRun?: boolean;
  /** Seconds a received DLQ message stays hidden while it is being moved or listed (default 60). */
  visibilityTimeoutSeconds?: number;
  /** Long-poll wait of each receive; on AWS a short poll can answer empty while messages exist (default 1). */
  waitTimeSeconds?: number;
  /** Empty receives in a row that mean "the DLQ is empty" (default 2). */
  emptyReceivesToStop?: number;
  /** Stop after this many messages (copy only: a move task moves the whole DLQ). */
  limit?: number;
  /** Called with each batch handled, for progress output. */
  onBatch?: (messages: RedriveMessage[]) => void;
}

/** Moves (or, dry, lists) one target's dead letters back. */
export type DlqRedriver = (target: RedriveTarget, options?: RedriveOptions) => Promise<RedriveSummary>;

/** The queues to redrive: every one of lambdas/shared/queues.ts, or the one named. */
export const redriveDefinitions = (only?: string): QueueDefinition[] => {
  if (only === undefined) return [...queueList];
  const def = queues[only as QueueId];
  if (!def) throw new Error(`Unknown queue "${only}"; known: ${queueList.map((q) => q.id).join(', ')}.`);
  return [def];
};

/**
 * The URLs of a queue and its DLQ from an environment (the local runtime's, or a deployed stage's outputs):
 * the DLQ's always, the queue's when `queueRequired` (a copy sends to it; a move task finds it itself).
 */
export const redriveTarget = (
  def: QueueDefinition,
  env: Record<string, string | undefined>,
  { queueRequired = true }: { queueRequired?: boolean } = {},
): RedriveTarget => {
  const queueUrl = env[def.envVar] || undefined;
  const dlqUrl = env[def.dlqEnvVar];
  const missing = [...(queueRequired && !queueUrl ? [def.envVar] : []), ...(dlqUrl ? [] : [def.dlqEnvVar])];
  const what = (name: string) => (name === def.envVar ? def.name : `the dead-letter queue of ${def.name}`);
  if (missing.length) throw new Error(`Set ${missing.map((name) => `${name} (the URL of ${what(name)})`).join(' and ')}.`);
  return { name: def.id, queueUrl, dlqUrl: dlqUrl!, fifo: def.fifo };
};

/** One line per queue, and the groups, for the command line. */
export const formatSummary = (s: RedriveSummary): string => {
  const groups = Object.entries(s.groups);
  const running = s.task?.status === 'RUNNING';
  const what = s.dryRun
    ? `${s.moved} listed (dry run: nothing moved)`
    : running
      ? `move task started, about ${s.moved} moved so far (it goes on in SQS)`
      : `${s.method === 'move-task' ? 'about ' : ''}${s.moved} moved back to the queue`;
  return [
    `${s.queue}: ${what}; about ${s.dlqApproximateAtStart} in the DLQ at start` +
      (s.failed.length ? `; ${s.failed.length} failed` : '') +
      (s.cameBack ? `; ${s.cameBack} failed again and were dead-lettered again during this run (left in the DLQ)` : ''),
    ...(s.task
      ? [
          `  StartMessageMoveTask${s.task.startedBefore ? ' (one already running, started before this run)' : ''}: ${s.task.status}` +
            (s.task.handle ? `; cancel with: aws sqs cancel-message-move-task --task-handle '${s.task.handle}'` : ''),
        ]
      : []),
    ...(s.dryRun && s.fifo && s.moved < s.dlqApproximateAtStart
      ? [
          '  (a FIFO queue hands out no more of a message group while earlier messages of it are held, so a dry run lists the first of each group)',
        ]
      : []),
    ...(groups.length ? [`  message groups: ${groups.map(([g, n]) => `${g} (${n})`).join(', ')}`] : []),
    ...s.failed.map((f) => `  failed ${f.messageId}: ${f.reason}`),
  ].join('\n');
};
