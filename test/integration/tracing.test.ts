import { createSocket } from 'node:dgram';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { CircuitBreakingRouter } from '../../lambdas/adapters/payments/gateways/router';
import { SANDBOX_TOKENS, SandboxGateway } from '../../lambdas/adapters/payments/gateways/sandbox-gateway';
import { chargeOnly } from '../support/gateway-stubs';
import { redisClient, useRedisFactory } from '../../lambdas/adapters/redis';
import { closePostgresPool, postgresPool } from '../../lambdas/adapters/postgres';
import { captureSubsegments, inSubsegment, traceAwsClient, traceInvocation, type SubsegmentDocument } from '../../lambdas/shared/tracing';

/**
 * Tracing (lambdas/shared/tracing.ts) as in Lambda: AWS_EXECUTION_ENV and a sampled trace header set, the
 * subsegments read off as the daemon would get them. Redis and PostgreSQL calls go to the real servers
 * (REDIS_URL, DATABASE_URL), the SDK's to a local HTTP server answering as DynamoDB does, and one run
 * goes over UDP to a socket standing in for the X-Ray daemon.
 */
const saved = { ...process.env };
const describeReal = process.env.REDIS_URL && process.env.DATABASE_URL ? describe : describe.skip;
const ROOT = '1-67891233-abcdef012345678912345678';
const LAMBDA_SEGMENT = '53995c3f42cd8ad8';

let documents: SubsegmentDocument[] = [];
beforeEach(() => {
  Object.assign(process.env, {
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    _X_AMZN_TRACE_ID: `Root=${ROOT};Parent=${LAMBDA_SEGMENT};Sampled=1;Lineage=a87bd80c:0`,
    _HANDLER: 'index.handler',
  });
  documents = [];
  captureSubsegments((document) => documents.push(document));
});
afterAll(() => {
  captureSubsegments();
  process.env = { ...saved };
});

/** The one `## index.handler` subsegment, and the others with what a test compares. */
const recorded = () => {
  const handler = documents.find((d) => d.name === '## index.handler')!;
  return {
    handler,
    calls: documents
      .filter((d) => d !== handler)
      .map((d) => ({
        name: d.name,
        namespace: d.namespace,
        annotations: d.annotations,
        underHandler: d.parent_id === handler.id && d.trace_id === ROOT,
        timed: d.end_time >= d.start_time,
        failed: Boolean(d.fault || d.error),
      })),
  };
};

describe('the invocation subsegment', () => {
  it('hangs under Lambda’s segment, annotated ColdStart (once) and Service, with an error when the handler throws', async () => {
    await traceInvocation(async () => undefined);
    await expect(traceInvocation(async () => Promise.reject(new TypeError('boom')))).rejects.toThrow('boom');
    expect(documents.map((d) => [d.name, d.parent_id, d.trace_id, d.annotations, Boolean(d.fault)])).toEqual([
      ['## index.handler', LAMBDA_SEGMENT, ROOT, { ColdStart: true, Service: 'car-rental' }, false],
      ['## index.handler', LAMBDA_SEGMENT, ROOT, { ColdStart: false, Service: 'car-rental' }, true],
    ]);
    expect(documents[1].cause?.exceptions[0]).toMatchObject({ type: 'TypeError', message: 'boom' });
    expect(documents[1].cause?.exceptions[0].stack?.[0]).toMatchObject({
      path: expect.stringContaining('tracing.test.ts'),
      line: expect.any(Number),
    });
    expect(documents[0].id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('keeps an error within a datagram: the message cut to 1,000 characters, at most 10 stack frames', async () => {
    const deep = (n: number): Promise<never> => (n === 0 ? Promise.reject(new Error('x'.repeat(100_000))) : deep(n - 1));
    await expect(traceInvocation(() => deep(30))).rejects.toThrow();
    const [exception] = documents[0].cause!.exceptions;
    expect([exception.message.length, (exception.stack?.length ?? 0) <= 10]).toEqual([1_000, true]);
    expect(JSON.stringify(documents[0]).length).toBeLessThan(4_000);
  });

  it.each([
    ['not sampled', { _X_AMZN_TRACE_ID: `Root=${ROOT};Parent=${LAMBDA_SEGMENT};Sampled=0` }],
    ['no trace header', { _X_AMZN_TRACE_ID: '' }],
    ['outside Lambda', { AWS_EXECUTION_ENV: '' }],
    ['switched off', { TRACING_ENABLED: 'false' }],
  ])('records nothing when %s, and the work still runs', async (_case, env) => {
    Object.assign(process.env, env);
    try {
      await expect(traceInvocation(() => inSubsegment('Redis', { command: 'GET' }, async () => 'ran'))).resolves.toBe('ran');
      expect(documents).toEqual([]);
    } finally {
      delete process.env.TRACING_ENABLED;
    }
  });

  it('reaches the daemon over UDP as a JSON header line and the document', async () => {
    const daemon = createSocket('udp4');
    await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
    const received = new Promise<string>((resolve) => daemon.once('message', (message) => resolve(message.toString())));
    process.env.AWS_XRAY_DAEMON_ADDRESS = `tcp:127.0.0.1:1 udp:127.0.0.1:${daemon.address().port}`;
    captureSubsegments();
    try {
      await traceInvocation(async () => undefined);
      const [header, body] = (await received).split('\n');
      expect(JSON.parse(header)).toEqual({ format: 'json', version: 1 });
      expect(JSON.parse(body)).toMatchObject({ type: 'subsegment', name: '## index.handler', trace_id: ROOT, parent_id: LAMBDA_SEGMENT });
    } finally {
      daemon.close();
    }
  });
});

describe('AWS SDK calls', () => {
  let server: Server;
  let seen: IncomingHttpHeaders[] = [];
  let endpoint: string;
  beforeAll(async () => {
    // Answers as DynamoDB does: an item for table "cars", ResourceNotFoundException (400) for any other.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push(req.headers);
        const table = (JSON.parse(body) as { TableName: string }).TableName;
        const error = table === 'busy' ? 'ProvisionedThroughputExceededException' : 'ResourceNotFoundException';
        res.writeHead(table === 'cars' ? 200 : 400, {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-requestid': table === 'cars' ? 'REQ1' : 'REQ2',
        });
        const answer =
          table === 'cars'
            ? { Item: { id: { S: 'c1' } } }
            : { __type: `com.amazonaws.dynamodb.v20120810#${error}`, message: `no ${table}` };
        res.end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('records each call (through the document client too) and passes the trace on in X-Amzn-Trace-Id', async () => {
    seen = [];
    const base = traceAwsClient(
      new DynamoDBClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 }),
    );
    const documentClient = DynamoDBDocumentClient.from(base);
    await traceInvocation(async () => {
      await base.send(new GetItemCommand({ TableName: 'cars', Key: { id: { S: 'c1' } } }));
      await documentClient.send(new GetCommand({ TableName: 'cars', Key: { id: 'c1' } }));
      await expect(base.send(new GetItemCommand({ TableName: 'gone', Key: { id: { S: 'c1' } } }))).rejects.toThrow('no gone');
    });
    const { calls } = recorded();
    expect(calls).toEqual([
      { name: 'DynamoDB', namespace: 'aws', annotations: undefined, underHandler: true, timed: true, failed: false },
      { name: 'DynamoDB', namespace: 'aws', annotations: undefined, underHandler: true, timed: true, failed: false },
      { name: 'DynamoDB', namespace: 'aws', annotations: undefined, underHandler: true, timed: true, failed: true },
    ]);
    const aws = documents.filter((d) => d.namespace === 'aws');
    expect(aws.map((d) => [d.aws, d.http, d.error, d.fault, d.throttle])).toEqual([
      [
        { operation: 'GetItem', region: 'eu-west-1', request_id: 'REQ1', retries: 0, table_name: 'cars' },
        { response: { status: 200 } },
        undefined,
        undefined,
        undefined,
      ],
      [
        { operation: 'GetItem', region: 'eu-west-1', request_id: 'REQ1', retries: 0, table_name: 'cars' },
        { response: { status: 200 } },
        undefined,
        undefined,
        undefined,
      ],
      [
        { operation: 'GetItem', region: 'eu-west-1', request_id: 'REQ2', retries: 0, table_name: 'gone' },
        { response: { status: 400 } },
        true,
        false,
        false,
      ],
    ]);
    expect(aws[2].cause?.exceptions[0]).toMatchObject({ type: 'ResourceNotFoundException', remote: true });
    // The invocation header's other fields (Lineage, for Lambda's loop detection) go on with it.
    expect(seen.map((h) => h['x-amzn-trace-id'])).toEqual(aws.map((d) => `Root=${ROOT};Parent=${d.id};Sampled=1;Lineage=a87bd80c:0`));
  });

  it('flags a throttle that comes as a 400 with a throttling error name', async () => {
    const base = traceAwsClient(
      new DynamoDBClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 }),
    );
    await traceInvocation(() => expect(base.send(new GetItemCommand({ TableName: 'busy', Key: { id: { S: 'c1' } } }))).rejects.toThrow());
    const [call] = documents.filter((d) => d.namespace === 'aws');
    expect([call.error, call.throttle, call.fault, call.http]).toEqual([true, true, false, { response: { status: 400 } }]);
  });

  it('records nothing for a presigned URL (no request is made), and the URL carries no trace header', async () => {
    const s3 = traceAwsClient(new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }));
    const url = await traceInvocation(() =>
      getSignedUrl(s3, new GetObjectCommand({ Bucket: 'media', Key: 'cars/c1/p1.jpg' }), { expiresIn: 60 }),
    );
    expect(url).toContain('X-Amz-SignedHeaders=host');
    expect(url.toLowerCase()).not.toContain('trace');
    expect(documents.map((d) => d.name)).toEqual(['## index.handler']);
  });

  it('adds nothing to a call made outside a traced invocation', async () => {
    seen = [];
    const client = traceAwsClient(
      new DynamoDBClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }),
    );
    await client.send(new GetItemCommand({ TableName: 'cars', Key: { id: { S: 'c1' } } }));
    expect(documents).toEqual([]);
    expect(seen[0]['x-amzn-trace-id']).toBeUndefined();
  });
});

describe('payment gateway calls', () => {
  it('records each charge and refund under the invocation, named after the gateway', async () => {
    const router = new CircuitBreakingRouter([new SandboxGateway()]);
    const token = SANDBOX_TOKENS.find((t) => t.source === 'card_token' && t.outcome === 'succeeds')!.token;
    await traceInvocation(async () => {
      const { result } = await router.charge(['sandbox'], {
        amountMinor: 1_000,
        currency: 'USD',
        source: { type: 'card_token', token },
        idempotencyKey: 'trace-1',
        description: 'reservation r-1',
      });
      if (result.outcome !== 'succeeded') throw new Error(`sandbox charge ${result.outcome}`);
      await router.refund('sandbox', { reference: result.reference, amountMinor: 500, currency: 'USD', idempotencyKey: 'trace-r1' });
    });
    const gateway = (operation: string) => ({
      name: 'sandbox',
      namespace: 'remote',
      annotations: { operation },
      underHandler: true,
      timed: true,
      failed: false,
    });
    expect(recorded().calls).toEqual([gateway('charge'), gateway('refund')]);
  });

  it('closes a call the router gave up on (a timeout) as failed, without waiting for the gateway', async () => {
    const hung = chargeOnly({ id: 'stripe', charge: () => new Promise(() => undefined), refund: () => new Promise(() => undefined) });
    const router = new CircuitBreakingRouter([hung], { timeoutMs: 50 });
    const request = {
      amountMinor: 1_000,
      currency: 'USD' as const,
      source: { type: 'card_token' as const, token: 'tok' },
      idempotencyKey: 'k',
      description: 'r',
    };
    await expect(traceInvocation(() => router.charge(['stripe'], request))).rejects.toThrow();
    const [call] = recorded().calls;
    expect(call).toMatchObject({ name: 'stripe', annotations: { operation: 'charge' }, underHandler: true, failed: true });
  });
});

describeReal('Redis and PostgreSQL calls', () => {
  afterAll(() => closePostgresPool());

  it('records each Redis command under the invocation, and a refused one as an error', async () => {
    process.env.REDIS_KEY_PREFIX = 'car-rental:tracing-test:';
    useRedisFactory();
    const client = await redisClient();
    try {
      await traceInvocation(async () => {
        await client.set('k', 'text', 'EX', 60);
        await client.get('k');
        await expect(client.incr('k')).rejects.toThrow();
        await client.multi().incr('n').exec();
      });
    } finally {
      await client.quit();
      useRedisFactory();
    }
    const redis = (command: string, failed = false) => ({
      name: 'Redis',
      namespace: 'remote',
      annotations: { command },
      underHandler: true,
      timed: true,
      failed,
    });
    expect(recorded().calls).toEqual([redis('SET'), redis('GET'), redis('INCR', true), redis('MULTI')]);
  });

  it('records each PostgreSQL query, through the pool or a checked-out client', async () => {
    const pool = await postgresPool();
    await traceInvocation(async () => {
      await pool.query('select 1');
      const client = await pool.connect();
      try {
        await client.query({ text: 'SELECT $1::int AS n', values: [2] });
      } finally {
        client.release();
      }
      await expect(pool.query('SELEC nonsense')).rejects.toThrow();
    });
    const query = (statement: string, failed = false) => ({
      name: 'PostgreSQL',
      namespace: 'remote',
      annotations: { statement },
      underHandler: true,
      timed: true,
      failed,
    });
    expect(recorded().calls).toEqual([query('SELECT'), query('SELECT'), query('SELEC', true)]);
  });

  it('nests a call made inside a subsegment under that subsegment', async () => {
    await traceInvocation(() => inSubsegment('outer', {}, () => inSubsegment('inner', {}, async () => undefined)));
    const [inner, outer] = documents;
    expect([inner.name, outer.name, inner.parent_id]).toEqual(['inner', 'outer', outer.id]);
  });
});
