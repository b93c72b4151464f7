#!/usr/bin/env node
/**
 * `npm run dlq:redrive -- [--queue booking] [--dry-run] [--local [port]] [--limit N]`
 *
 * Moves the messages of a queue's dead-letter queue back to the queue (every queue of
 * lambdas/shared/queues.ts, or the one named by --queue), keeping each message's body, attributes and
 * message group, with a new deduplication id; --dry-run lists them without moving anything. The
 * logic is local/dlq-redrive.ts.
 *
 * Where: --local [port] targets a running `npm start` (default port: PORT or 3000), found through the
 * file it writes (local/runtime-file.ts). Otherwise a deployed stack, through the environment:
 * BOOKING_QUEUE_URL and BOOKING_DLQ_URL (the stack outputs BookingQueueUrl and BookingDlqUrl), with AWS
 * credentials and AWS_REGION as for the AWS CLI.
 */
import './support/quiet-sdk-warnings';
import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { readRuntimeFile } from '../local/runtime-file';
import { formatSummary, redrive, redriveDefinitions, redriveTarget } from '../local/dlq-redrive';

const USAGE = 'Usage: npm run dlq:redrive -- [--queue <id>] [--dry-run] [--local [port]] [--limit <n>]';

const main = async () => {
  const { values } = parseArgs({
    options: {
      queue: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      local: { type: 'string' },
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
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError('--limit must be a whole number above 0.');

  let definitions;
  try {
    definitions = redriveDefinitions(values.queue);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.local !== undefined) {
    // The running runtime's environment: fauxqs's endpoint, its queue URLs, dummy credentials.
    const runtime = await readRuntimeFile(values.local || process.env.PORT || 3000);
    Object.assign(process.env, runtime.env);
  }
  let targets;
  try {
    targets = definitions.map((def) => redriveTarget(def, process.env));
  } catch (err) {
    throw new UsageError(
      `${(err as Error).message}\nFor a deployed stack they are its outputs (e.g. BookingQueueUrl, BookingDlqUrl):\n` +
        '  aws cloudformation describe-stacks --stack-name CarRentalStack --query "Stacks[0].Outputs"\n' +
        'or pass --local to use a running `npm start`.',
    );
  }

  const sqs = new SQSClient({});
  let failed = 0;
  try {
    for (const target of targets) {
      const summary = await redrive(sqs, target, {
        dryRun: values['dry-run'],
        limit,
        onBatch: (batch) => {
          if (values['dry-run'])
            for (const m of batch)
              console.log(
                `  ${m.messageId}  group ${m.groupId ?? '-'}  received ${m.receiveCount ?? '?'}x  sent ${m.sentAt ?? '?'}  ${m.body.slice(0, 200)}`,
              );
        },
      });
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
