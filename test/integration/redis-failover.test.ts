import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { RedisCarLocks } from '../../lambdas/adapters/bookings/redis-car-locks';
import { redisClient, useRedisFactory } from '../../lambdas/adapters/redis';

/**
 * A Multi-AZ ElastiCache failover, replayed with two real redis-server processes of this test's own: the
 * replica is promoted (REPLICAOF NO ONE), the primary endpoint's DNS name moves to it, and the old primary
 * is demoted to a replica of it (or is gone without closing its connections). The DNS name is a TCP proxy
 * this test controls: a new connection reaches the current primary, one made before the flip stays on the
 * node it was made to, as a connection does when a DNS record changes. The function's client is the real
 * adapter (lambdas/adapters/redis.ts) with the options it has in Lambda; the next calls must reach the new
 * primary within FAILOVER_BUDGET_MS.
 */
const FAILOVER_BUDGET_MS = 3_000;
const hasRedisServer = !spawnSync('redis-server', ['--version']).error;
const describeWithServer = hasRedisServer ? describe : describe.skip;
if (!hasRedisServer) console.warn('redis-failover.test.ts skipped: redis-server is not on PATH (install Redis 7 to run it)');

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });

interface Node {
  port: number;
  process: ChildProcess;
  admin: Redis;
}

const startNode = async (): Promise<Node> => {
  const port = await freePort();
  // A directory of its own: a replica writes the snapshot it syncs from its primary to disk.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'redis-failover-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  child.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  // The test's own view of each node: waits for it to come up, queues while it does.
  const admin = new Redis({ port, host: '127.0.0.1', retryStrategy: () => 50, maxRetriesPerRequest: null });
  await admin.ping();
  return { port, process: child, admin };
};

const role = async (node: Node) => (/role:(\w+)/.exec(await node.admin.info('replication')) ?? [])[1];

/** The primary endpoint's DNS name: new connections go to `target`; existing ones stay where they were made. */
const dnsName = async () => {
  const state = { target: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(state.target, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    pointTo: (node: Node) => (state.target = node.port),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
};

/** Calls `write` every 20 ms until one succeeds; how long that took, and how many failed first. */
const untilWritten = async (write: () => Promise<unknown>, budgetMs: number) => {
  const started = Date.now();
  let failed = 0;
  for (;;) {
    try {
      await write();
      return { ms: Date.now() - started, failed };
    } catch (err) {
      failed++;
      if (Date.now() - started > budgetMs * 2) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
};

describeWithServer('Redis through an ElastiCache failover (two real redis-server processes)', () => {
  const saved = { ...process.env };
  let primary: Node;
  let replica: Node;
  let dns: Awaited<ReturnType<typeof dnsName>>;
  /** As the adapters do: the instance's client, asked for at each call (a client that gave up is replaced). */
  const redis = {
    set: async (key: string, value: string) => (await redisClient()).set(key, value),
    get: async (key: string) => (await redisClient()).get(key),
    incr: async (key: string) => (await redisClient()).incr(key),
  };

  beforeEach(async () => {
    [primary, replica] = await Promise.all([startNode(), startNode()]);
    await replica.admin.replicaof('127.0.0.1', primary.port);
    while (!/master_link_status:up/.test(await replica.admin.info('replication'))) await new Promise((r) => setTimeout(r, 20));
    dns = await dnsName();
    dns.pointTo(primary);
    process.env.REDIS_URL = `redis://127.0.0.1:${dns.port}`;
    process.env.REDIS_KEY_PREFIX = 'failover:';
    useRedisFactory();
    await redisClient();
  });

  afterEach(async () => {
    (await redisClient().catch(() => undefined))?.disconnect();
    useRedisFactory();
    process.env = { ...saved };
    await dns.close();
    for (const node of [primary, replica]) {
      node.process.kill('SIGCONT');
      node.admin.disconnect();
      node.process.kill('SIGKILL');
    }
  });

  /** Promotes the replica and moves the DNS name to it, as ElastiCache does. */
  const promoteReplica = async () => {
    await replica.admin.replicaof('NO', 'ONE');
    dns.pointTo(replica);
  };

  it('writes reach the new primary after the old one is demoted (READONLY)', async () => {
    const locks = new RedisCarLocks(redisClient);
    await redis.set('before', 'on the old primary');
    expect(await locks.acquire('car-1', 30_000, 0)).toHaveProperty('release');
    // Replication is asynchronous: fail over only once the replica has the write, as the assertion below
    // says (on a loaded machine the promotion could otherwise come first, and the write be lost as in AWS).
    while ((await replica.admin.get('failover:before')) !== 'on the old primary') await new Promise((r) => setTimeout(r, 20));

    await promoteReplica();
    await primary.admin.replicaof('127.0.0.1', replica.port);
    expect([await role(primary), await role(replica)]).toEqual(['slave', 'master']);

    // The warm client's connection is still on the old primary, which now answers READONLY to writes.
    const failover = await untilWritten(() => redis.set('after', 'on the new primary'), FAILOVER_BUDGET_MS);
    expect(failover.ms).toBeLessThan(FAILOVER_BUDGET_MS);
    expect(await replica.admin.get('failover:after')).toBe('on the new primary');
    // And every call after it: a lock (SET NX PX), an invalidation (INCR), a read.
    const lock = await locks.acquire('car-2', 30_000, 0);
    expect(lock).toHaveProperty('release');
    expect(await redis.incr('generation')).toBe(1);
    expect(await replica.admin.exists('failover:car_lock:car-2', 'failover:generation')).toBe(2);
    expect(await redis.get('before')).toBe('on the old primary'); // replicated before the failover
    console.info(`failover (demoted primary): writes on the new primary after ${failover.ms} ms, ${failover.failed} call(s) failed first`);
  });

  it('calls reach the new primary when the old one vanished without closing its connections', async () => {
    await redis.set('before', 'x');
    // The old primary's host is gone: its connections stay open and nothing answers on them.
    primary.process.kill('SIGSTOP');
    await promoteReplica();

    const failover = await untilWritten(() => redis.set('after', 'on the new primary'), FAILOVER_BUDGET_MS);
    expect(failover.ms).toBeLessThan(FAILOVER_BUDGET_MS);
    expect(await replica.admin.get('failover:after')).toBe('on the new primary');
    const started = Date.now();
    expect(await redis.incr('generation')).toBe(1);
    expect(Date.now() - started).toBeLessThan(500); // the next call does not wait on the dead socket
    console.info(`failover (vanished primary): writes on the new primary after ${failover.ms} ms, ${failover.failed} call(s) failed first`);
  });
});
