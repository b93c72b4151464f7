import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { Monitoring } from './monitoring';

export interface BookingQueueProps {
  /** Longest timeout among the queue's consumers; the visibility timeout is six times it (AWS guidance). */
  consumerTimeout: Duration;
  monitoring: Monitoring;
}

/**
 * The FIFO queue booking requests wait in. One message group per car serialises decisions for a car while
 * different cars proceed in parallel (high-throughput FIFO). Producers always set a deduplication id
 * (from the client's Idempotency-Key), so content-based deduplication stays off.
 */
export class BookingQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: BookingQueueProps) {
    super(scope, id);
    const common = {
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    } as const;

    this.deadLetterQueue = new sqs.Queue(this, 'Dlq', {
      ...common,
      queueName: 'booking-requests-dlq.fifo',
      retentionPeriod: Duration.days(14), // the longest SQS allows: time to inspect and redrive
    });
    NagSuppressions.addResourceSuppressions(this.deadLetterQueue, [
      { id: 'AwsSolutions-SQS3', reason: 'This queue is the dead-letter queue of the booking queue.' },
    ]);

    this.queue = new sqs.Queue(this, 'Queue', {
      ...common,
      queueName: 'booking-requests.fifo',
      contentBasedDeduplication: false,
      deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });

    // A message in the DLQ is a booking request nobody decided: someone must look at it.
    props.monitoring.alarm(
      this,
      'DlqNotEmptyAlarm',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Monitoring.PERIOD, statistic: 'Maximum' }),
      'Booking requests landed in the dead-letter queue; inspect and redrive them.',
    );
  }
}
