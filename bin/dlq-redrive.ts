#!/usr/bin/env node
/**
 * `npm run dlq:redrive -- [--queue booking] [--dry-run] [--local [port]] [--stage <stage>]
 *   [--method move-task|copy] [--rate N] [--no-wait] [--limit N]`
 *
 * Moves the messages of a queue's dead-letter queue back to the queue (every queue of
 * lambdas/shared/queues.ts, or the one named by --queue); --dry-run lists them without moving anything.
 * One command, two ways to move (bin/support/dlq/redrive.ts): on a deployed stage SQS's
 * StartMessageMoveTask (`move-task`, the default there), locally a copy (receive, send again, delete),
 * since fauxqs has no move task. `--method copy` copies on AWS too, and is what `--limit` needs.
 *
 * Where: --local [port] targets a running `npm start` (default port: PORT or 3000), found through the
 * file it writes (local/runtime-file.ts). Otherwise a deployed stage, through the environment:
 * BOOKING_DLQ_URL (the data stack's output BookingDlqUrl; PAYMENT_EVENTS_DLQ_URL likewise), and
 * BOOKING_QUEUE_URL to name the destination (a move task finds the original queue without it; a copy
 * needs it), with AWS credentials and AWS_REGION as for the AWS CLI. --stage only names the stack in
 * the hints.
 */
import './support/quiet-sdk-warnings';
import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_STAGE, checkStage, stackIds } from '../lib/stage';
import { readRuntimeFile } from '../local/runtime-file';
import { redriveByCopy } from './support/dlq/copy-messages';
import { redriveByMoveTask } from './support/dlq/move-task';
import {
  formatSummary,
  redriveDefinitions,
  redriveTarget,
  type DlqRedriver,
  type RedriveMessage,
  type RedriveMethod,
} from './support/dlq/redrive';

const USAGE =
  'Usage: npm run dlq:redrive -- [--queue <id>] [--dry-run] [--local [port]] [--stage <stage>] ' +
  '[--method move-task|copy] [--rate <1-500>] [--no-wait] [--limit <n>]';

const wholeNumber = (flag: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isInteger(n) && n > 0)) throw new UsageError(`${flag} must be a whole number above 0.`);
  return n;
};

const main = async () => {
  const { values } = parseArgs({
    options: {
      queue: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      local: { type: 'string' },
      stage: { type: 'string' },
      method: { type: 'string' },
      rate: { type: 'string' },
      'no-wait': { type: 'boolean', default: false },
      limit: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    // `--local` alone (no port) must not swallow the next flag.
    args: process.argv
      .slice(2)
      .flatMap((a, i, all) => (a === '--local' && (!all[i + 1] || all[i + 1].startsWith('--')) ? ['--local='] : [a])),
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const local = values.local !== undefined;
  const limit = wholeNumber('--limit', values.limit);
  const rate = wholeNumber('--rate', values.rate);
  if (values.method !== undefined && values.method !== 'copy' && values.method !== 'move-task') {
    throw new UsageError('--method is move-task or copy.');
  }
  // fauxqs has no StartMessageMoveTask; a move task moves the whole DLQ (no --limit).
  const method: RedriveMethod = values.method ?? (local || limit !== undefined ? 'copy' : 'move-task');
  if (method === 'move-task' && local) throw new UsageError('--local copies (the local SQS has no move task): drop --method move-task.');
  if (method === 'move-task' && limit !== undefined) throw new UsageError('A move task moves the whole DLQ: --limit needs --method copy.');
  if (method === 'copy' && (rate !== undefined || values['no-wait'])) throw new UsageError('--rate and --no-wait are for move tasks.');
  let stage: string;
  try {
    stage = checkStage(values.stage ?? DEFAULT_STAGE);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }

  let definitions;
  try {
    definitions = redriveDefinitions(values.queue);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (local) {
    // The running runtime's environment: fauxqs's endpoint, its queue URLs, dummy credentials.
    const runtime = await readRuntimeFile(values.local || process.env.PORT || 3000);
    Object.assign(process.env, runtime.env);
  }
  let targets;
  try {
    // A dry run and a move task need only the DLQ; a copy sends to the queue.
    targets = definitions.map((def) => redriveTarget(def, process.env, { queueRequired: method === 'copy' && !values['dry-run'] }));
  } catch (err) {
    const stack = stackIds(stage).data;
    throw new UsageError(
      `${(err as Error).message}\nFor a deployed stage they are its data stack's outputs (BookingDlqUrl, BookingQueueUrl...), e.g.:\n` +
        `  export BOOKING_DLQ_URL=$(aws cloudformation describe-stacks --stack-name ${stack} --query "Stacks[0].Outputs[?OutputKey=='BookingDlqUrl'].OutputValue" --output text)\n` +
        'or pass --local to use a running `npm start`.',
    );
  }

  const sqs = new SQSClient({});
  const onBatch = (batch: RedriveMessage[]) => {
    if (!values['dry-run']) return;
    for (const m of batch) {
      console.log(
        `  ${m.messageId}  group ${m.groupId ?? '-'}  received ${m.receiveCount ?? '?'}x  sent ${m.sentAt ?? '?'}  ${m.body.slice(0, 200)}`,
      );
    }
  };
  const redrive: DlqRedriver =
    method === 'copy'
      ? (target, options) => redriveByCopy(sqs, target, options)
      : (target, options) =>
          redriveByMoveTask(sqs, target, {
            ...options,
            maxPerSecond: rate,
            wait: !values['no-wait'],
            onProgress: (task) =>
              console.log(
                `  ${target.name}: ${task.Status}, about ${task.ApproximateNumberOfMessagesMoved ?? 0} of ${task.ApproximateNumberOfMessagesToMove ?? '?'} moved`,
              ),
          });
  let failed = 0;
  try {
    for (const target of targets) {
      const summary = await redrive(target, { dryRun: values['dry-run'], limit, onBatch });
      console.log(formatSummary(summary));
      failed += summary.failed.length;
    }
  } finally {
    sqs.destroy();
  }
  return failed ? 1 : 0;
};

class UsageError extends Error {}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err instanceof UsageError ? `${err.message}\n${USAGE}` : `DLQ redrive failed: ${err.message}`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
