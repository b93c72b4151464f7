import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import Redis from 'ioredis';
import { RespClient, type RespClientOptions } from '../../lambdas/adapters/resp-client';

/**
 * The Lambda Redis client (lambdas/adapters/resp-client.ts) against the real server when REDIS_URL is set,
 * read back through ioredis, and against servers that misbehave: it must fail fast, never hang.
 */
const FAST = { connectTimeoutMs: 1_000, commandTimeoutMs: 300, tls: false };
const describeReal = process.env.REDIS_URL ? describe : describe.skip;

describeReal('RespClient against real Redis', () => {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = `car-rental:resp-test:${randomUUID().slice(0, 8)}:`;
  let client: RespClient;
  let raw: Redis;
  beforeAll(async () => {
    client = await RespClient.connect({ ...FAST, host: url.hostname, port: Number(url.port || 6379), keyPrefix: prefix });
    raw = new Redis(url.toString());
  });
  afterAll(async () => {
    await client.quit();
    raw.disconnect();
  });

  it('runs the commands the functions use, every key under the prefix', async () => {
    expect(await client.ping()).toBe('PONG');
    expect(await client.set('lock', 'a', 'PX', 5_000, 'NX')).toBe('OK');
    expect(await client.set('lock', 'b', 'PX', 5_000, 'NX')).toBeNull();
    expect(await client.get('lock')).toBe('a');
    expect(await raw.get(`${prefix}lock`)).toBe('a');
    expect(await raw.pttl(`${prefix}lock`)).toBeGreaterThan(4_000);
    expect(await client.get('missing')).toBeNull();
    expect(await client.set('n', 5, 'EX', 60)).toBe('OK');
    expect(await client.incr('n')).toBe(6);
    expect(await client.ttl('n')).toBeGreaterThan(55);
    expect(await client.ttl('missing')).toBe(-2);
    // Compare-and-delete in Lua: KEYS are prefixed, ARGV are not.
    const release = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
    expect(await client.eval(release, 1, 'lock', 'b')).toBe(0);
    expect(await client.eval(release, 1, 'lock', 'a')).toBe(1);
    expect(await client.del('n', 'lock', 'missing')).toBe(1);
    expect(await raw.exists(`${prefix}n`)).toBe(0);
  });

  it('runs MULTI … EXEC as one transaction and reports each command', async () => {
    const replies = await client.multi().set('w', 0, 'EX', 60, 'NX').incr('w').set('w', 0, 'EX', 60, 'NX').incr('w').exec();
    expect(replies).toEqual([
      [null, 'OK'],
      [null, 1],
      [null, null],
      [null, 2],
    ]);
    expect(await raw.get(`${prefix}w`)).toBe('2');
  });

  it('rejects only the command Redis refuses, and keeps answering in order', async () => {
    await client.set('text', 'abc');
    const [bad, good] = await Promise.allSettled([client.incr('text'), client.get('text')]);
    expect(bad).toMatchObject({ status: 'rejected', reason: { name: 'ReplyError' } });
    expect(good).toEqual({ status: 'fulfilled', value: 'abc' });
  });

  it('carries values larger than one network read, multi-byte text intact', async () => {
    const big = 'é'.repeat(300_000) + '\r\n' + 'x'.repeat(100_000);
    await client.set('big', big, 'EX', 60);
    expect(await client.get('big')).toBe(big);
  });

  it('authenticates, and refuses a wrong password', async () => {
    await expect(RespClient.connect({ ...FAST, host: url.hostname, port: Number(url.port || 6379), password: 'wrong' })).rejects.toThrow(
      /AUTH|WRONGPASS|password/i,
    );
  });
});

describe('RespClient when Redis misbehaves', () => {
  let server: Server;
  let port: number;
  let sockets: Socket[];
  /** A server that accepts connections and says nothing, or closes them once a command arrives. */
  const listen = async (onData: (socket: Socket) => void) => {
    sockets = [];
    server = createServer((socket) => {
      sockets.push(socket);
      socket.on('data', () => onData(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  };
  const options = (extra: Partial<RespClientOptions> = {}): RespClientOptions => ({ ...FAST, host: '127.0.0.1', port, ...extra });
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('rejects a command with no answer after the command timeout', async () => {
    await listen(() => undefined);
    const client = await RespClient.connect(options());
    const started = Date.now();
    await expect(client.ping()).rejects.toThrow('timed out');
    expect(Date.now() - started).toBeLessThan(1_000);
    client.disconnect();
  });

  it('fails pending and later commands when the connection drops, and says so once', async () => {
    await listen((socket) => socket.destroy());
    const onClose = jest.fn();
    const client = await RespClient.connect(options({ onClose }));
    await expect(client.get('k')).rejects.toThrow('closed');
    await expect(client.get('k')).rejects.toThrow('closed');
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('refuses quickly where nothing listens', async () => {
    await listen(() => undefined);
    const started = Date.now();
    await expect(RespClient.connect(options({ port: 1 }))).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
