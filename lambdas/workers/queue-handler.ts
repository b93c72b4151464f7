import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import type { CapabilityId } from '../capabilities';
import { lambdaFunction } from '../shared/lambda-function';
import { logger } from '../shared/logger';

/**
 * Builds the handler of a function fed by an SQS FIFO queue: each record's body is validated, then
 * handled; a record that throws is reported as a batch item failure, and only the rest of *its*
 * message group is skipped (it must stay in order), so other groups (other cars) go on. Failed records
 * come back after the visibility timeout and, after the queue's receive limit, land in its DLQ.
 */
export const queueHandler = <S extends z.ZodType>(capability: CapabilityId, schema: S, fn: (message: z.output<S>, record: SQSRecord) => Promise<void>) => {
  const processor = new SqsFifoPartialProcessorAsync();
  return lambdaFunction<SQSEvent, SQSBatchResponse>(capability, (event, context) =>
    processPartialResponse(
      event,
      async (record: SQSRecord) => {
        logger.appendKeys({ messageId: record.messageId, correlationId: record.messageAttributes?.correlationId?.stringValue });
        let body: unknown;
        try {
          body = JSON.parse(record.body);
        } catch {
          body = undefined;
        }
        const parsed = schema.safeParse(body);
        // A malformed message never succeeds: fail it, so it reaches the DLQ where someone can look.
        if (!parsed.success) throw new Error(`malformed ${capability} message ${record.messageId}: ${parsed.error.message}`);
        await fn(parsed.data, record);
      },
      processor,
      { context, skipGroupOnError: true },
    ),
  );
};
