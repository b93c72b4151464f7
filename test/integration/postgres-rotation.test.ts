import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { Client, type Pool } from 'pg';
import { createPool, secretCredentials } from '../../lambdas/adapters/postgres';
import { SECRET_MAX_AGE_SECONDS } from '../../lambdas/adapters/secrets';

/**
 * The database password rotates every 30 days (hosted single-user rotation). A warm instance must keep
 * connecting after that: replayed against a real PostgreSQL of this test's own (the machine's trusts every
 * local connection, so a wrong password would never be refused), with password authentication (SCRAM).
 * The secret comes from Secrets Manager through the adapter's own reader (Powertools' provider and the
 * SDK client); only the SDK's answer is the test's, so it can change the secret as rotation does.
 */
const PG_BIN = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' }).stdout?.trim();
const hasPostgres = Boolean(PG_BIN) && !spawnSync(path.join(PG_BIN, 'initdb'), ['--version']).error;
const describeWithServer = hasPostgres ? describe : describe.skip;
if (!hasPostgres) console.warn('postgres-rotation.test.ts skipped: PostgreSQL server binaries (initdb) are not installed');

const ROLE = 'car_rental_rotation_test';
const ADMIN_PASSWORD = 'admin-secret';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:rotation-test';

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });

/** initdb refuses to run as root: the server then runs as `nobody`. */
const asServerUser = (command: string, args: string[]): [string, string[]] =>
  process.getuid?.() === 0 ? ['runuser', ['-u', 'nobody', '--', command, ...args]] : [command, args];

describeWithServer('database credentials across a password rotation (own PostgreSQL, password auth)', () => {
  const saved = { ...process.env };
  let dir: string;
  let port: number;
  let server: ChildProcess;
  let admin: Client;
  const secretsManager = mockClient(SecretsManagerClient);
  let secret = { username: ROLE, password: 'first-password' };
  let secretReads = 0;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pg-rotation-'));
    if (process.getuid?.() === 0) chownSync(dir, 65534, 65534);
    const pwfile = path.join(dir, 'pw');
    writeFileSync(pwfile, ADMIN_PASSWORD);
    if (process.getuid?.() === 0) chownSync(pwfile, 65534, 65534);
    const data = path.join(dir, 'data');
    const initdb = spawnSync(
      ...asServerUser(path.join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--pwfile', pwfile, '--auth', 'scram-sha-256']),
      { encoding: 'utf8' },
    );
    if (initdb.status !== 0) throw new Error(`initdb failed: ${initdb.stderr}`);
    port = await freePort();
    server = spawn(
      ...asServerUser(path.join(PG_BIN, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1']),
      { stdio: 'ignore' },
    );
    for (let tries = 0; ; tries++) {
      admin = new Client({ host: '127.0.0.1', port, user: 'postgres', password: ADMIN_PASSWORD, database: 'postgres' });
      try {
        await admin.connect();
        break;
      } catch (err) {
        if (tries > 100) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await admin.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${secret.password}'`);
  }, 60_000);

  afterAll(async () => {
    await admin.query(`DROP ROLE IF EXISTS ${ROLE}`).catch(() => undefined);
    await admin.end();
    // pg_ctl, not a signal: under runuser, the signal would reach runuser rather than the server.
    spawnSync(...asServerUser(path.join(PG_BIN, 'pg_ctl'), ['stop', '-D', path.join(dir, 'data'), '-m', 'fast']));
    if (server.exitCode === null) await new Promise((resolve) => server.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
    secretsManager.restore();
    process.env = { ...saved };
  });

  let pool: Pool;
  /** The adapter's re-read after a refused password, counted. */
  let rereads: jest.Mock;
  beforeEach(async () => {
    process.env.DB_SECRET_ARN = SECRET_ARN;
    process.env.AWS_REGION = 'us-east-1';
    secretsManager.reset();
    secretsManager.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).callsFake(() => {
      secretReads++;
      return { Name: 'rotation-test', SecretString: JSON.stringify(secret) };
    });
    // As postgresPool builds it in AWS, but to this server (no TLS).
    const { reread, ...credentials } = await secretCredentials();
    rereads = jest.fn(reread);
    pool = await createPool(
      { host: '127.0.0.1', port, database: 'postgres', max: 2, connectionTimeoutMillis: 3_000, ...credentials },
      rereads,
    );
  });
  afterEach(async () => {
    await pool.end();
    jest.restoreAllMocks();
  });

  /** Rotation: the role's password and the secret change; the role's connections are closed (a failover, the proxy recycling them). */
  const rotate = async (password: string) => {
    await admin.query(`ALTER ROLE ${ROLE} PASSWORD '${password}'`);
    secret = { ...secret, password };
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [ROLE]);
    // The pool notices its idle connection was closed before the next query asks for one.
    while (pool.totalCount > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  };

  it('a new connection refused for its password (28P01) re-reads the secret once and connects', async () => {
    expect((await pool.query('SELECT current_user AS who')).rows).toEqual([{ who: ROLE }]);
    const readsBefore = secretReads;
    await rotate('second-password');
    // The secret read before the rotation is younger than its max age: the first try uses it and is refused.
    expect((await pool.query('SELECT current_user AS who')).rows).toEqual([{ who: ROLE }]);
    expect([rereads.mock.calls.length, secretReads - readsBefore]).toEqual([1, 1]);
  });

  it('a secret older than its max age is read again for the next connection', async () => {
    await pool.query('SELECT 1');
    await rotate('third-password');
    const readsBefore = secretReads;
    const later = Date.now() + (SECRET_MAX_AGE_SECONDS + 1) * 1_000;
    jest.spyOn(Date, 'now').mockReturnValue(later);
    const client = await pool.connect();
    try {
      expect((await client.query('SELECT current_user AS who')).rows).toEqual([{ who: ROLE }]);
    } finally {
      client.release();
    }
    // Read again because it was old, not because the server refused it.
    expect([rereads.mock.calls.length, secretReads - readsBefore]).toEqual([0, 1]);
  });
});
