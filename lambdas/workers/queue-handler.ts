import { BatchProcessor, EventType, processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from '../shared/zod';
import { capabilities, type CapabilityId } from '../capabilities';
import { lambdaFunction } from '../shared/lambda-function';
import { logger } from '../shared/logger';
import { queues } from '../shared/queues';

/**
 * Builds the handler of a function fed by an SQS queue (the one its capability's trigger names): each
 * record's body is validated, then handled; a record that throws is reported as a batch item failure.
 * On a FIFO queue only the rest of *its* message group is skipped (it must stay in order), so other
 * groups (other cars) go on. Failed records come back after the visibility timeout and, after the
 * queue's receive limit, land in its DLQ.
 */
export const queueHandler = <S extends z.ZodMiniType>(
  capability: CapabilityId,
  schema: S,
  fn: (message: z.output<S>, record: SQSRecord) => Promise<void>,
) => {
  const trigger = capabilities[capability].trigger;
  const fifo = trigger.kind === 'queue' && queues[trigger.queue].fifo;
  const handle = async (record: SQSRecord) => {
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
  };
  return lambdaFunction<SQSEvent, SQSBatchResponse>(capability, async (event, context) => {
    // A processor per invocation: it keeps the batch's state in itself (outside Lambda's InvokeStore),
    // so one shared by overlapping invocations (the local runtime's pollers) would mix their results.
    if (!fifo) return processPartialResponse(event, handle, new BatchProcessor(EventType.SQS), { context });
    // Powertools' FIFO processor takes records one after the other, even across groups: split the batch
    // by message group (a car) and run the groups side by side, each in order through its own processor.
    const groups = new Map<string, SQSRecord[]>();
    for (const record of event.Records) {
      const group = record.attributes.MessageGroupId ?? '';
      groups.set(group, [...(groups.get(group) ?? []), record]);
    }
    const answers = await Promise.all(
      [...groups.values()].map((Records) =>
        processPartialResponse({ Records }, handle, new SqsFifoPartialProcessorAsync(), {
          context,
          skipGroupOnError: true,
          throwOnFullBatchFailure: false,
        }),
      ),
    );
    const batchItemFailures = answers.flatMap((a) => a.batchItemFailures);
    // Every record failed: fail the invocation, as the single-processor form did (the batch comes back whole).
    if (batchItemFailures.length === event.Records.length) throw new Error(`${capability}: every record of the batch failed`);
    return { batchItemFailures };
  });
};
