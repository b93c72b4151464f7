import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { CapabilityId } from '../capabilities';
import { lambdaFunction } from '../shared/lambda-function';
import { logger } from '../shared/logger';

/**
 * Builds the handler of a function fed by a DynamoDB stream (the table its capability's trigger names):
 * records are handled one after the other, in stream order, and one that throws is reported as a batch
 * item failure, so the event source retries from it (and the records after it) while the records
 * before it stay done. A record that keeps failing ends on the trigger's failure destination.
 */
export const streamHandler = (capability: CapabilityId, fn: (record: DynamoDBRecord) => Promise<void>) => {
  const handle = async (record: DynamoDBRecord) => {
    logger.appendKeys({ eventId: record.eventID });
    await fn(record);
  };
  return lambdaFunction<DynamoDBStreamEvent, DynamoDBBatchResponse>(
    capability,
    // A processor per invocation (see queueHandler): overlapping local invocations must not share one.
    (event, context) =>
      processPartialResponse(event, handle, new BatchProcessor(EventType.DynamoDBStreams), { context, processInParallel: false }),
    (event) => event.Records[0]?.eventID,
  );
};
