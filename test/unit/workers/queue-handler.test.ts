import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from '../../../lambdas/shared/zod';
import { capabilities, type CapabilityDefinition, type CapabilityId } from '../../../lambdas/capabilities';
import { queues } from '../../../lambdas/shared/queues';
import { queueHandler } from '../../../lambdas/workers/queue-handler';
import { scoped } from '../../../local/handlers';
import { switchToAnotherInvocation } from '../../support/invoke-store';

/**
 * The SQS wrapper (lambdas/workers/queue-handler.ts): on a FIFO queue a batch's message groups run side
 * by side, each in order, and a failure skips only the rest of its own group; on a standard queue a
 * failure fails only its record. Events are built by hand; ordering is read from a shared log, never
 * from timings.
 */

// A made-up capability fed by the FIFO booking queue, so the wrapper is tested apart from decideBooking.
const FAKE = 'fakeFifoWorker' as CapabilityId;
const fakeDefinition: CapabilityDefinition = {
  entry: 'lambdas/handlers/operations/health.ts',
  description: 'test: a worker on the booking queue',
  trigger: { kind: 'queue', queue: 'booking', batchSize: 10 },
  uses: {},
};
beforeAll(() => {
  (capabilities as Record<string, CapabilityDefinition>)[FAKE] = fakeDefinition;
});
afterAll(() => {
  delete (capabilities as Record<string, CapabilityDefinition>)[FAKE];
});

const context = {
  awsRequestId: 'req-1',
  functionName: 'test',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:test',
} as Context;

const Message = z.object({ id: z.string() });

/** An SQS record as Lambda delivers it; `group` makes it a FIFO record of that message group. */
const record = (id: string, opts: { group?: string; body?: string; queue?: string } = {}): SQSRecord => ({
  messageId: `m-${id}`,
  receiptHandle: `rh-${id}`,
  body: opts.body ?? JSON.stringify({ id }),
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1700000000000',
    SenderId: 'AIDEXAMPLE',
    ApproximateFirstReceiveTimestamp: '1700000000001',
    ...(opts.group ? { MessageGroupId: opts.group, MessageDeduplicationId: `d-${id}`, SequenceNumber: '1' } : {}),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${opts.queue ?? queues.booking.name}`,
  awsRegion: 'us-east-1',
});
const event = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const failed = (...ids: string[]) => ids.map((id) => ({ itemIdentifier: `m-${id}` }));

/** A promise resolved from outside. */
const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('queueHandler on a FIFO queue (booking)', () => {
  test('the fake capability is triggered by the FIFO booking queue', () => {
    expect(queues.booking.fifo).toBe(true);
    expect((capabilities as Record<string, CapabilityDefinition>)[FAKE].trigger).toEqual({
      kind: 'queue',
      queue: 'booking',
      batchSize: 10,
    });
  });

  test('a slow record of group A does not hold up group B; each group stays in order', async () => {
    const log: string[] = [];
    const bDone = deferred();
    const handler = queueHandler(FAKE, Message, async ({ id }) => {
      log.push(`start ${id}`);
      if (id === 'a1') {
        // Waits for group B to finish. Were the groups run one after the other, B could not start
        // until this gave up: the fallback keeps a regression from hanging, and the log shows it.
        let fallback: NodeJS.Timeout | undefined;
        await Promise.race([bDone.promise, new Promise<void>((r) => (fallback = setTimeout(r, 2_000)))]);
        clearTimeout(fallback);
      }
      if (id === 'b2') bDone.resolve();
      await Promise.resolve();
      log.push(`end ${id}`);
    });

    const answer = await handler(
      event(
        record('a1', { group: 'A' }),
        record('b1', { group: 'B' }),
        record('a2', { group: 'A' }),
        record('b2', { group: 'B' }),
        record('a3', { group: 'A' }),
      ),
      context,
    );

    expect(answer).toEqual({ batchItemFailures: [] });
    // Group B ran to its end while a1 was still under way...
    expect(log.indexOf('end b2')).toBeLessThan(log.indexOf('end a1'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
    // ...and each group ran strictly in order, one record at a time.
    const of = (group: string) => log.filter((l) => l.endsWith(`${group}1`) || l.endsWith(`${group}2`) || l.endsWith(`${group}3`));
    expect(of('a')).toEqual(['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
    expect(of('b')).toEqual(['start b1', 'end b1', 'start b2', 'end b2']);
  });

  test('a failing record fails itself and the rest of its group only; other groups go on', async () => {
    const handled: string[] = [];
    const handler = queueHandler(FAKE, Message, async ({ id }) => {
      handled.push(id);
      if (id === 'a2') throw new Error('boom');
    });

    const answer = await handler(
      event(
        record('a1', { group: 'A' }),
        record('b1', { group: 'B' }),
        record('a2', { group: 'A' }),
        record('b2', { group: 'B' }),
        record('a3', { group: 'A' }),
        record('c1', { group: 'C' }),
        record('a4', { group: 'A' }),
      ),
      context,
    );

    expect(answer.batchItemFailures).toHaveLength(3);
    expect(answer.batchItemFailures).toEqual(expect.arrayContaining(failed('a2', 'a3', 'a4')));
    // What came after the failure in group A was skipped (it must come back in order); B and C were not.
    expect(handled).not.toContain('a3');
    expect(handled).not.toContain('a4');
    expect([...handled].sort()).toEqual(['a1', 'a2', 'b1', 'b2', 'c1']);
  });

  test('a malformed body (not JSON, or not the schema) fails just that record', async () => {
    const handled: string[] = [];
    const handler = queueHandler(FAKE, Message, async ({ id }) => void handled.push(id));

    const answer = await handler(
      event(
        record('a1', { group: 'A' }),
        record('a2', { group: 'A', body: '{not json' }),
        record('b1', { group: 'B', body: JSON.stringify({ id: 42 }) }),
        record('c1', { group: 'C' }),
        record('c2', { group: 'C' }),
      ),
      context,
    );

    expect(answer.batchItemFailures).toHaveLength(2);
    expect(answer.batchItemFailures).toEqual(expect.arrayContaining(failed('a2', 'b1')));
    expect([...handled].sort()).toEqual(['a1', 'c1', 'c2']);
  });

  test('a batch where every record fails throws (the whole batch comes back)', async () => {
    const handler = queueHandler(FAKE, Message, async () => {
      throw new Error('down');
    });
    await expect(
      handler(event(record('a1', { group: 'A' }), record('a2', { group: 'A' }), record('b1', { group: 'B' })), context),
    ).rejects.toThrow(/every record of the batch failed/);
    // A malformed lone record counts as failed too.
    const ok = queueHandler(FAKE, Message, async () => undefined);
    await expect(ok(event(record('a1', { group: 'A', body: 'nope' })), context)).rejects.toThrow(/every record of the batch failed/);
  });
});

describe('queueHandler on a standard queue (paymentEvents, refundCancellations)', () => {
  const queue = queues.paymentEvents.name;

  test('refundCancellations is triggered by the standard payment-events queue', () => {
    expect(queues.paymentEvents.fifo).toBe(false);
    expect(capabilities.refundCancellations.trigger).toMatchObject({ kind: 'queue', queue: 'paymentEvents' });
  });

  test('a failing record fails only itself; the records after it are still handled', async () => {
    const handled: string[] = [];
    const handler = queueHandler('refundCancellations', Message, async ({ id }) => {
      handled.push(id);
      if (id === 'e2') throw new Error('gateway down');
    });

    const answer = await handler(
      event(record('e1', { queue }), record('e2', { queue }), record('e3', { queue }), record('e4', { queue, body: '[]' })),
      context,
    );

    // Records of a standard queue run concurrently: the failures come in any order.
    expect(answer.batchItemFailures).toHaveLength(2);
    expect(answer.batchItemFailures).toEqual(expect.arrayContaining(failed('e2', 'e4')));
    expect([...handled].sort()).toEqual(['e1', 'e2', 'e3']);
  });

  test('concurrent invocations of one handler (the local runtime polls with several loops) keep their own results', async () => {
    const secondDone = deferred();
    const handler = queueHandler('refundCancellations', Message, async ({ id }) => {
      if (id === 'p1') {
        // Fails only after the other invocation has run from start to end.
        let fallback: NodeJS.Timeout | undefined;
        await Promise.race([secondDone.promise, new Promise<void>((r) => (fallback = setTimeout(r, 2_000)))]);
        clearTimeout(fallback);
        throw new Error('declined');
      }
    });
    // With one processor shared by both, the first took the second's one record for its batch and, its
    // one error matching that count, threw "all records failed": p2, handled, would have come back.
    const first = handler(event(record('p1', { queue }), record('p2', { queue })), context);
    const second = await handler(event(record('q1', { queue })), context);
    secondDone.resolve();
    expect(second).toEqual({ batchItemFailures: [] });
    expect(await first).toEqual({ batchItemFailures: failed('p1') });
  });

  test('every record failing throws', async () => {
    const handler = queueHandler('refundCancellations', Message, async () => {
      throw new Error('down');
    });
    await expect(handler(event(record('e1', { queue }), record('e2', { queue })), context)).rejects.toThrow();
  });
});

// Regression (see test/unit/workers/stream-handler.test.ts): Powertools' processors kept their handler and
// results in the ambient InvokeStore, so a record that came back in another invocation's context made the
// records after it no-ops (FIFO) or lost its own failure (the message would have been deleted).
describe('queueHandler in an InvokeStore context per invocation (the local runtime, multi-concurrency Lambda)', () => {
  test("FIFO: the records after one that leaves another invocation's context are still handled, in order", async () => {
    const handled: string[] = [];
    const handler = scoped(
      queueHandler(FAKE, Message, async ({ id }) => {
        if (id === 'a1') switchToAnotherInvocation();
        await new Promise((r) => setTimeout(r, 5));
        handled.push(id);
      }) as never,
    );
    const answer = await handler(event(record('a1', { group: 'A' }), record('a2', { group: 'A' }), record('a3', { group: 'A' })), {
      ...context,
      awsRequestId: 'req-fifo',
    });
    expect(handled).toEqual(['a1', 'a2', 'a3']);
    expect(answer).toEqual({ batchItemFailures: [] });
  });

  test("a failure is reported even when the record leaves another invocation's context", async () => {
    const handler = scoped(
      queueHandler(FAKE, Message, async ({ id }) => {
        if (id === 'a1') {
          switchToAnotherInvocation();
          await new Promise((r) => setTimeout(r, 5));
          throw new Error('boom');
        }
      }) as never,
    );
    const answer = await handler(event(record('a1', { group: 'A' }), record('a2', { group: 'A' }), record('b1', { group: 'B' })), {
      ...context,
      awsRequestId: 'req-fail',
    });
    expect(answer).toEqual({ batchItemFailures: failed('a1', 'a2') });
  });
});
