import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { BookingQueue } from '../../domain/bookings/ports';

/**
 * Booking requests on the SQS FIFO queue: the car is the message group, so one car's requests are
 * decided one after the other while other cars go on in parallel; the reservation id is the
 * deduplication id, so sending the same request again (a retry, the sweeper) within SQS's 5-minute
 * window adds nothing, and after it the worker finds the reservation decided.
 */
export class SqsBookingQueue implements BookingQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(request: { reservationId: string; carId: string; correlationId?: string }): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageGroupId: request.carId,
        MessageDeduplicationId: request.reservationId,
        MessageBody: JSON.stringify({ reservationId: request.reservationId, carId: request.carId }),
        MessageAttributes: request.correlationId
          ? { correlationId: { DataType: 'String', StringValue: request.correlationId } }
          : undefined,
      }),
    );
  }
}
