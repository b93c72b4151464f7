/**
 * The SQS queues, declared once beside the tables: the CDK stack and the local runtime both create
 * them from this, and functions find them through `envVar`.
 */
export interface QueueDefinition {
  id: QueueId;
  /** Queue name (FIFO names end in `.fifo`); the dead-letter queue's is derived from it. */
  name: string;
  envVar: string;
  /** Environment variable with the dead-letter queue's URL (for the redrive tool). */
  dlqEnvVar: string;
  fifo: boolean;
  /** Booking events (from the notifications topic) delivered to this queue, by event type. */
  subscribesTo?: { topic: 'bookingEvents'; eventTypes: readonly string[] };
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
  retentionDays: number;
  description: string;
}

export type QueueId = 'booking' | 'paymentEvents';

export const queues: Record<QueueId, QueueDefinition> = {
  booking: {
    id: 'booking',
    name: 'booking-requests.fifo',
    envVar: 'BOOKING_QUEUE_URL',
    dlqEnvVar: 'BOOKING_DLQ_URL',
    fifo: true,
    maxReceiveCount: 5,
    retentionDays: 4,
    description: 'Booking requests; one message group per car serialises its decisions, the deduplication id is the reservation id.',
  },
  paymentEvents: {
    id: 'paymentEvents',
    name: 'payment-events',
    envVar: 'PAYMENT_EVENTS_QUEUE_URL',
    dlqEnvVar: 'PAYMENT_EVENTS_DLQ_URL',
    // SNS standard topics deliver to standard queues; the refund is idempotent per reservation anyway.
    fifo: false,
    subscribesTo: { topic: 'bookingEvents', eventTypes: ['ReservationCancelled', 'ReservationNoShow'] },
    maxReceiveCount: 5,
    retentionDays: 4,
    description:
      'Booking events payments acts on (cancellations and no-shows to refund or capture), subscribed to the notifications topic.',
  },
};

export const queueList: readonly QueueDefinition[] = Object.values(queues);

/** `booking-requests.fifo` -> `booking-requests-dlq.fifo`. */
export const deadLetterQueueName = (q: QueueDefinition): string => (q.fifo ? q.name.replace(/\.fifo$/, '-dlq.fifo') : `${q.name}-dlq`);
