import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from '../shared/zod';
import type { CapabilityId } from '../capabilities';
import { lambdaFunction } from '../shared/lambda-function';
import { logger, withRecordLogger } from '../shared/logger';

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
  const handle = async (record: SQSRecord) => {
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
  /**
   * The record, or why it failed (logged here, as Powertools' processor did), with a logger of its own:
   * records of different groups run side by side, and each line must carry its own record's ids.
   */
  const attempt = (record: SQSRecord): Promise<boolean> =>
    withRecordLogger({ messageId: record.messageId, correlationId: record.messageAttributes?.correlationId?.stringValue }, async () => {
      try {
        await handle(record);
        return true;
      } catch (err) {
        logger.error('queue record failed; it comes back after the visibility timeout', {
          messageId: record.messageId,
          error: err as Error,
        });
        return false;
      }
    });
  // The batch's state lives in local variables, not in Powertools' BatchProcessor: with
  // AWS_LAMBDA_MAX_CONCURRENCY set (multi-concurrency Lambda, the local runtime) that processor keeps its
  // handler and results in the ambient InvokeStore, and a record whose awaits came back in another
  // invocation's async context lost its failure (the message was deleted) or skipped the records after
  // it (see stream-handler.ts).
  return lambdaFunction<SQSEvent, SQSBatchResponse>(capability, async (event) => {
    let failed: SQSRecord[];
    // A FIFO queue's records say so themselves (the queue's ARN, their group): no registry lookup, so a
    // bundle does not carry every capability's definition.
    const fifo = event.Records.some((r) => r.eventSourceARN?.endsWith('.fifo') || r.attributes?.MessageGroupId);
    if (!fifo) {
      const ok = await Promise.all(event.Records.map(attempt));
      failed = event.Records.filter((_, i) => !ok[i]);
    } else {
      // Split the batch by message group (a car) and run the groups side by side, each in order; a
      // failure fails the rest of its own group too (it must stay in order), other groups go on.
      const groups = new Map<string, SQSRecord[]>();
      for (const record of event.Records) {
        const group = record.attributes.MessageGroupId ?? '';
        groups.set(group, [...(groups.get(group) ?? []), record]);
      }
      const perGroup = await Promise.all(
        [...groups.values()].map(async (records) => {
          for (const [i, record] of records.entries()) if (!(await attempt(record))) return records.slice(i);
          return [];
        }),
      );
      failed = perGroup.flat();
    }
    // Every record failed: fail the invocation (the batch comes back whole).
    if (event.Records.length > 0 && failed.length === event.Records.length)
      throw new Error(`${capability}: every record of the batch failed`);
    return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
  });
};
