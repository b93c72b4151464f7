import type { Segment, Subsegment } from 'aws-xray-sdk-core';

/**
 * Issue 11: Redis and PostgreSQL calls appear in the function's trace as remote subsegments, as the AWS
 * SDK calls do. The tracer runs as in Lambda (AWS_EXECUTION_ENV), the calls go to the real servers
 * (REDIS_URL, DATABASE_URL), and the subsegments are read off the segment they were recorded on.
 */
const saved = { ...process.env };
const describeReal = process.env.REDIS_URL && process.env.DATABASE_URL ? describe : describe.skip;

describeReal('Redis and PostgreSQL calls are traced', () => {
  let xray: typeof import('aws-xray-sdk-core');
  let resp: typeof import('../../lambdas/adapters/resp-client');
  let postgres: typeof import('../../lambdas/adapters/postgres');

  beforeAll(async () => {
    Object.assign(process.env, { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'true' });
    jest.resetModules(); // the tracer reads its environment when observability.ts is first loaded
    xray = await import('aws-xray-sdk-core');
    xray.setContextMissingStrategy('IGNORE_ERROR');
    resp = await import('../../lambdas/adapters/resp-client');
    postgres = await import('../../lambdas/adapters/postgres');
  });
  afterAll(async () => {
    await postgres.closePostgresPool();
    process.env = { ...saved };
  });

  /** Runs `work` with `segment` as the open segment, as the Lambda handler wrapper does. */
  const within = <T>(segment: Segment, work: () => Promise<T>): Promise<T> =>
    xray.getNamespace().runAndReturn(() => {
      xray.setSegment(segment);
      return work();
    });
  const recorded = (segment: Segment) =>
    (segment.subsegments ?? []).map((s: Subsegment & { annotations?: object; end_time?: number; fault?: boolean; error?: boolean }) => ({
      name: s.name,
      namespace: s.namespace,
      annotations: s.annotations,
      closed: Boolean(s.end_time),
      error: Boolean(s.fault || s.error),
    }));

  it('records each Redis command, and a refused one as an error', async () => {
    const url = new URL(process.env.REDIS_URL!);
    const client = await resp.RespClient.connect({
      host: url.hostname,
      port: Number(url.port || 6379),
      tls: false,
      keyPrefix: 'car-rental:tracing-test:',
      connectTimeoutMs: 1_000,
      commandTimeoutMs: 1_000,
    });
    const segment = new xray.Segment('test');
    try {
      await within(segment, async () => {
        await client.set('k', 'text', 'EX', 60);
        await client.get('k');
        await expect(client.incr('k')).rejects.toThrow();
        await client.multi().incr('n').exec();
      });
    } finally {
      await client.quit();
    }
    expect(recorded(segment)).toEqual([
      { name: 'Redis', namespace: 'remote', annotations: { command: 'SET' }, closed: true, error: false },
      { name: 'Redis', namespace: 'remote', annotations: { command: 'GET' }, closed: true, error: false },
      { name: 'Redis', namespace: 'remote', annotations: { command: 'INCR' }, closed: true, error: true },
      { name: 'Redis', namespace: 'remote', annotations: { command: 'MULTI' }, closed: true, error: false },
    ]);
  });

  it('records each PostgreSQL query, through the pool or a checked-out client', async () => {
    process.env.DATABASE_URL = saved.DATABASE_URL;
    const pool = await postgres.postgresPool();
    const segment = new xray.Segment('test');
    await within(segment, async () => {
      await pool.query('select 1');
      const client = await pool.connect();
      try {
        await client.query({ text: 'SELECT $1::int AS n', values: [2] });
      } finally {
        client.release();
      }
      await expect(pool.query('SELEC nonsense')).rejects.toThrow();
    });
    expect(recorded(segment)).toEqual([
      { name: 'PostgreSQL', namespace: 'remote', annotations: { statement: 'SELECT' }, closed: true, error: false },
      { name: 'PostgreSQL', namespace: 'remote', annotations: { statement: 'SELECT' }, closed: true, error: false },
      { name: 'PostgreSQL', namespace: 'remote', annotations: { statement: 'SELEC' }, closed: true, error: true },
    ]);
  });
});
