import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { capabilities, type CapabilityDefinition, type CapabilityId } from '../../../lambdas/capabilities';
import { streamHandler } from '../../../lambdas/workers/stream-handler';
import { scoped } from '../../../local/handlers';
import { switchToAnotherInvocation } from '../../support/invoke-store';

/**
 * The DynamoDB stream wrapper (lambdas/workers/stream-handler.ts), run as the local runtime runs it: in an
 * InvokeStore context per invocation, with AWS_LAMBDA_MAX_CONCURRENCY set.
 *
 * Regression: the wrapper used Powertools' BatchProcessor, which reads its record handler from the
 * ambient InvokeStore on each record. When a record's awaits came back in another invocation's context
 * (the local runtime saw it after a DynamoDB call, with HTTP requests running alongside), the records
 * after it ran a no-op handler and were reported done: a feedback's stream record was skipped and the
 * car's rating never moved (test/e2e/feedback.test.ts, about 1 run in 4 under load).
 */
const FAKE = 'fakeStreamWorker' as CapabilityId;
beforeAll(() => {
  (capabilities as Record<string, CapabilityDefinition>)[FAKE] = {
    entry: 'lambdas/handlers/operations/health.ts',
    description: 'test: a worker on the feedback stream',
    trigger: { kind: 'stream', table: 'feedback', batchSize: 10 },
    uses: {},
  };
});
afterAll(() => {
  delete (capabilities as Record<string, CapabilityDefinition>)[FAKE];
});

const context = (id: string) =>
  ({ awsRequestId: id, functionName: 'test', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:test' }) as Context;
const record = (seq: string): DynamoDBRecord => ({
  eventID: `e-${seq}`,
  eventName: 'INSERT',
  eventSource: 'aws:dynamodb',
  dynamodb: { SequenceNumber: seq, Keys: { pk: { S: seq } } },
});
const event = (...seqs: string[]): DynamoDBStreamEvent => ({ Records: seqs.map(record) });

describe('streamHandler', () => {
  it("handles every record of a batch, in order, even when a record comes back in another invocation's context", async () => {
    const handled: string[] = [];
    const handler = scoped(
      streamHandler(FAKE, async (r) => {
        if (r.dynamodb?.SequenceNumber === '1') switchToAnotherInvocation();
        await new Promise((resolve) => setTimeout(resolve, 5));
        handled.push(r.dynamodb!.SequenceNumber!);
      }) as never,
    );
    const response = await handler(event('1', '2', '3'), context('req-1'));
    expect(handled).toEqual(['1', '2', '3']);
    expect(response).toEqual({ batchItemFailures: [] });
  });

  it('reports the first failed record, and leaves the ones after it for the retry', async () => {
    const handled: string[] = [];
    const handler = scoped(
      streamHandler(FAKE, async (r) => {
        if (r.dynamodb?.SequenceNumber === '2') throw new Error('boom');
        handled.push(r.dynamodb!.SequenceNumber!);
      }) as never,
    );
    expect(await handler(event('1', '2', '3'), context('req-2'))).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
    expect(handled).toEqual(['1']);
  });
});
