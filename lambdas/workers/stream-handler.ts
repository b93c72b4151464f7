import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { CapabilityId } from '../capabilities';
import { lambdaFunction } from '../shared/lambda-function';
import { logger, withRecordLogger } from '../shared/logger';

/**
 * Builds the handler of a function fed by a DynamoDB stream (the table its capability's trigger names):
 * records are handled one after the other, in stream order, and the first one that throws is reported
 * as a batch item failure, so the event source retries from it (and the records after it, which are
 * not handled now) while the records before it stay done. A record that keeps failing ends on the
 * trigger's failure destination.
 *
 * The loop keeps its state in local variables, not in Powertools' BatchProcessor: with
 * AWS_LAMBDA_MAX_CONCURRENCY set (Lambda's multi-concurrency runtimes, and the local runtime), that
 * processor reads its records and record handler from the ambient InvokeStore on every record, and
 * once a record's awaits came back in another invocation's async context (seen locally after a
 * DynamoDB call), it found no handler there, ran its no-op fallback for the remaining records and
 * reported them done: stream records silently skipped.
 */
export const streamHandler = (capability: CapabilityId, fn: (record: DynamoDBRecord) => Promise<void>) =>
  lambdaFunction<DynamoDBStreamEvent, DynamoDBBatchResponse>(
    capability,
    async (event) => {
      for (const record of event.Records) {
        // A logger of the record's own, as in the queue wrapper: its lines carry its eventId and no other.
        const failure = await withRecordLogger({ eventId: record.eventID }, async () => {
          try {
            await fn(record);
            return undefined;
          } catch (err) {
            const itemIdentifier = record.dynamodb?.SequenceNumber ?? '';
            logger.error('stream record failed; it and the records after it come back', { itemIdentifier, error: err as Error });
            return { itemIdentifier };
          }
        });
        if (failure) return { batchItemFailures: [failure] };
      }
      return { batchItemFailures: [] };
    },
    (event) => event.Records[0]?.eventID,
  );
