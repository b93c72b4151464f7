import type { Context, DynamoDBStreamEvent, SQSRecord } from 'aws-lambda';
import type { CapabilityDefinition, CapabilityId } from '../../../lambdas/capabilities';
import { switchToAnotherInvocation } from '../../support/invoke-store';

/**
 * The log keys of the queue and stream wrappers (lambdas/workers): each record's lines carry its own ids.
 *
 * Regression: the queue wrapper appended each record's ids to the one shared logger while the message
 * groups of a FIFO batch ran side by side, so a line logged by one record after another had started
 * carried the other's messageId and correlationId.
 *
 * The modules are loaded with the log level at INFO (tests run with logs off), and lines are read from
 * stdout and stderr, where Powertools writes them.
 */
type Modules = {
  logger: typeof import('../../../lambdas/shared/logger').logger;
  queueHandler: typeof import('../../../lambdas/workers/queue-handler').queueHandler;
  streamHandler: typeof import('../../../lambdas/workers/stream-handler').streamHandler;
  scoped: typeof import('../../../local/handlers').scoped;
  z: typeof import('../../../lambdas/shared/zod');
};
let m: Modules;
let capabilities: Record<string, CapabilityDefinition>;
const QUEUE_WORKER = 'fakeFifoLogWorker' as CapabilityId;
const STREAM_WORKER = 'fakeStreamLogWorker' as CapabilityId;

beforeAll(async () => {
  const level = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  m = {
    logger: (await import('../../../lambdas/shared/logger')).logger,
    queueHandler: (await import('../../../lambdas/workers/queue-handler')).queueHandler,
    streamHandler: (await import('../../../lambdas/workers/stream-handler')).streamHandler,
    scoped: (await import('../../../local/handlers')).scoped,
    z: await import('../../../lambdas/shared/zod'),
  };
  process.env.POWERTOOLS_LOG_LEVEL = level;
  capabilities = (await import('../../../lambdas/capabilities')).capabilities;
  const worker = { entry: 'lambdas/handlers/operations/health.ts', uses: {} };
  capabilities[QUEUE_WORKER] = { ...worker, description: 'test: FIFO worker', trigger: { kind: 'queue', queue: 'booking', batchSize: 10 } };
  capabilities[STREAM_WORKER] = {
    ...worker,
    description: 'test: stream worker',
    trigger: { kind: 'stream', table: 'feedback', batchSize: 10 },
  };
});
afterAll(() => {
  delete capabilities[QUEUE_WORKER];
  delete capabilities[STREAM_WORKER];
});

/** The JSON lines logged with `message`, while `run` ran. */
const logged = async (message: string, run: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> => {
  const lines: Array<Record<string, unknown>> = [];
  // Errors go to stderr, the rest to stdout.
  const writes = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(JSON.parse(chunk.toString()));
      return true;
    }),
  );
  try {
    await run();
  } finally {
    for (const write of writes) write.mockRestore();
  }
  return lines.filter((l) => l.message === message);
};

const context = {
  awsRequestId: 'req-1',
  functionName: 'test',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:test',
} as Context;

/** A promise resolved from outside. */
const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

const fifoRecord = (id: string, group: string): SQSRecord => ({
  messageId: `m-${id}`,
  receiptHandle: `rh-${id}`,
  body: JSON.stringify({ id }),
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1700000000000',
    SenderId: 'AIDEXAMPLE',
    ApproximateFirstReceiveTimestamp: '1700000000001',
    MessageGroupId: group,
    MessageDeduplicationId: `d-${id}`,
    SequenceNumber: '1',
  },
  messageAttributes: { correlationId: { stringValue: `corr-${id}`, dataType: 'String' } },
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:booking.fifo',
  awsRegion: 'us-east-1',
});

it("queue: two records of different groups, interleaved, each log with their own ids (through the module's logger)", async () => {
  const bStarted = deferred();
  const aLogged = deferred();
  const handler = m.scoped(
    m.queueHandler(QUEUE_WORKER, m.z.object({ id: m.z.string() }), async ({ id }) => {
      if (id === 'a1') {
        await bStarted.promise;
        // As a leaking await did in the local runtime: a1 comes back in another invocation's context.
        switchToAnotherInvocation();
      } else bStarted.resolve();
      m.logger.info('step', { id });
      if (id === 'a1') aLogged.resolve();
      else await aLogged.promise;
      m.logger.info('step', { id });
      if (id === 'b1') throw new Error('b1 fails');
    }) as never,
  );
  const lines = await logged('step', () => handler({ Records: [fifoRecord('a1', 'A'), fifoRecord('b1', 'B')] }, context));
  // b1 logs first, then a1 twice (after b1 had started), then b1 again.
  expect(lines.map((l) => l.id)).toEqual(['b1', 'a1', 'a1', 'b1']);
  for (const line of lines) expect(line).toMatchObject({ messageId: `m-${String(line.id)}`, correlationId: `corr-${String(line.id)}` });
  // The wrapper's own line about b1's failure carries b1's ids.
  const failed = await logged('queue record failed; it comes back after the visibility timeout', () =>
    handler({ Records: [fifoRecord('a1', 'A'), fifoRecord('b1', 'B')] }, context),
  );
  expect(failed).toEqual([expect.objectContaining({ messageId: 'm-b1', correlationId: 'corr-b1' })]);
});

it('stream: each record logs with its own eventId, none left over from the record before', async () => {
  const handler = m.scoped(
    m.streamHandler(STREAM_WORKER, async (r) => void m.logger.info('step', { seq: r.dynamodb?.SequenceNumber })) as never,
  );
  const event: DynamoDBStreamEvent = {
    Records: ['1', '2'].map((seq) => ({
      eventID: `e-${seq}`,
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: { SequenceNumber: seq },
    })),
  };
  const lines = await logged('step', () => handler(event, context));
  expect(lines).toEqual([expect.objectContaining({ seq: '1', eventId: 'e-1' }), expect.objectContaining({ seq: '2', eventId: 'e-2' })]);
  // After the batch, the shared logger carries no record's key.
  const after = await logged('after', async () => m.logger.info('after'));
  expect(after[0]).not.toHaveProperty('eventId');
});
