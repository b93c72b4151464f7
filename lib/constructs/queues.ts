import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { queueList, type QueueDefinition, type QueueId } from '../../lambdas/shared/queues';
import { stagedQueueNames } from '../stage';
import { Monitoring } from './monitoring';

export interface QueuesProps {
  /** Prefixes the queue names outside prod (`dev-booking-requests.fifo`, lib/stage.ts). */
  stage: string;
  /** Longest timeout among each queue's consumers; its visibility timeout is six times that (AWS guidance). */
  consumerTimeout: (queue: QueueId) => Duration;
  monitoring: Monitoring;
  /** FIFO high-throughput mode: throughput and deduplication per message group (else per queue: 300 messages/s). */
  fifoHighThroughput: boolean;
}

export interface QueuePair {
  queue: sqs.Queue;
  deadLetterQueue: sqs.Queue;
}

/**
 * One queue and its dead-letter queue per entry of `queueList` (lambdas/shared/queues.ts), the list the
 * local runtime creates its queues from too. A FIFO queue uses high-throughput mode (deduplication and
 * throughput per message group) unless the capacity profile turns it off; producers always set a deduplication id, so content-based
 * deduplication stays off.
 */
export class Queues extends Construct {
  readonly queues: Record<QueueId, QueuePair>;

  constructor(scope: Construct, id: string, props: QueuesProps) {
    super(scope, id);
    this.queues = Object.fromEntries(queueList.map((def) => [def.id, this.pair(def, props)])) as Record<QueueId, QueuePair>;
  }

  private pair(def: QueueDefinition, props: QueuesProps): QueuePair {
    const names = stagedQueueNames(props.stage, def);
    const alarmPrefix = def.name.replace(/\.fifo$/, '');
    const common = { fifo: def.fifo || undefined, encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true } as const;
    const deadLetterQueue = new sqs.Queue(this, `${def.id}Dlq`, {
      ...common,
      queueName: names.deadLetterQueue,
      retentionPeriod: Duration.days(14), // the longest SQS allows: time to inspect and redrive
    });
    NagSuppressions.addResourceSuppressions(deadLetterQueue, [
      { id: 'AwsSolutions-SQS3', reason: `This queue is the dead-letter queue of ${def.name}.` },
    ]);
    const queue = new sqs.Queue(this, `${def.id}Queue`, {
      ...common,
      queueName: names.queue,
      ...(def.fifo
        ? {
            contentBasedDeduplication: false,
            ...(props.fifoHighThroughput
              ? {
                  deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
                  fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
                }
              : { deduplicationScope: sqs.DeduplicationScope.QUEUE, fifoThroughputLimit: sqs.FifoThroughputLimit.PER_QUEUE }),
          }
        : {}),
      visibilityTimeout: Duration.seconds(props.consumerTimeout(def.id).toSeconds() * 6),
      retentionPeriod: Duration.days(def.retentionDays),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: def.maxReceiveCount },
    });
    // A message in a DLQ is a request nobody decided: someone must look at it (npm run dlq:redrive).
    props.monitoring.alarm(this, `${def.id}DlqNotEmptyAlarm`, {
      name: `${alarmPrefix}-dlq-not-empty`,
      metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Monitoring.PERIOD, statistic: 'Maximum' }),
      description: `Messages landed in ${names.deadLetterQueue}; inspect them and redrive with npm run dlq:redrive.`,
    });
    props.monitoring.alarm(this, `${def.id}OldestMessageAlarm`, {
      name: `${alarmPrefix}-oldest-message`,
      metric: queue.metricApproximateAgeOfOldestMessage({ period: Monitoring.PERIOD, statistic: 'Maximum' }),
      description: `The oldest message in ${names.queue} waited over 5 minutes: its consumer is stuck or failing.`,
      threshold: 300,
    });
    return { queue, deadLetterQueue };
  }
}
