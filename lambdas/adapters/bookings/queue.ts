import { SQSClient } from '@aws-sdk/client-sqs';
import { env } from '../../shared/config';
import { traced } from '../../shared/observability';
import { sdkClientConfig } from '../aws-client';
import { queues } from '../../shared/queues';
import { SqsBookingQueue } from './sqs-booking-queue';

/** The booking queue (its own module: only the functions that send booking requests load SQS). */
let queue: SqsBookingQueue | undefined;
export const bookingQueue = (): SqsBookingQueue =>
  (queue ??= new SqsBookingQueue(traced(new SQSClient(sdkClientConfig())), env.required(queues.booking.envVar)));
