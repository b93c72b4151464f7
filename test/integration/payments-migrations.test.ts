import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type Pool } from 'pg';
import { migrateDatabase, migrationsDir, withSearchPath } from '../../lambdas/adapters/payments/migrate';
import { startPostgres } from '../../local/standins/postgres';
import { startPaymentsDatabase, type PaymentsTestDatabase } from '../support/payments-database';

/**
 * The payments migrations (migrations/, node-pg-migrate) on PGlite always, and on the real PostgreSQL of
 * DATABASE_URL when set (CI), each in a fresh database or schema that is dropped afterwards: applied
 * once, a no-op the second time, safe when two run at once (PostgreSQL only: PGlite has one session,
 * so its advisory locks exclude nothing), and the constraints the payment code relies on hold.
 */
const ALL = ['0001_payments', '0002_hashed_idempotency_keys', '0003_authorisations', '0004_no_show_refunds', '0005_change_payments'];
const TABLES = ['authorisation_operations', 'authorisations', 'idempotency_keys', 'outbox', 'payments', 'pgmigrations', 'refunds'];
const realPostgres = process.env.DATABASE_URL;

const targets: Array<[string, { embedded: boolean }]> = [
  ['PGlite', { embedded: true }],
  ...(realPostgres ? [['PostgreSQL (DATABASE_URL)', { embedded: false }] as [string, { embedded: boolean }]] : []),
];

const freshSchema = () => `test_migrations_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

const withClient = async <T>(url: string, work: (client: Client) => Promise<T>): Promise<T> => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

const tablesIn = async (pool: Pool, schema: string): Promise<string[]> =>
  (await pool.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [schema])).rows.map(
    (r) => r.table_name,
  );

test('the migrations folder holds the numbered SQL files', () => {
  expect(migrationsDir()).toMatch(/migrations$/);
});

describe.each(targets)('payments migrations on %s', (_name, { embedded }) => {
  let db: PaymentsTestDatabase;

  beforeAll(async () => {
    db = await startPaymentsDatabase({ embedded });
  });
  afterAll(async () => {
    await db?.stop();
  });

  test('the first run created every table and recorded the migrations', async () => {
    expect(await tablesIn(db.pool(), db.schema)).toEqual(TABLES);
    const { rows } = await db.pool().query('SELECT name FROM pgmigrations');
    expect(rows.map((r) => r.name)).toEqual(ALL);
  });

  test('running again applies nothing and changes nothing', async () => {
    const base = embedded ? db.url : realPostgres!;
    const schema = embedded ? undefined : db.schema;
    expect(await migrateDatabase(base, { schema })).toEqual([]);
    expect(await migrateDatabase(base, { schema })).toEqual([]);
    expect((await db.pool().query('SELECT count(*)::int AS n FROM pgmigrations')).rows[0].n).toBe(ALL.length);
  });

  describe('constraints', () => {
    const reservationId = () => `res-${randomUUID()}`;
    const insertPayment = (reservation: string, status: string, extra: { amount?: number; refunded?: number } = {}) =>
      db.pool().query(
        `INSERT INTO payments (payment_id, reservation_id, user_id, amount_minor, currency, method, status, refunded_minor, idempotency_key)
         VALUES ($1, $2, 'user-1', $3, 'USD', 'credit_card', $4, $5, $6) RETURNING payment_id`,
        [randomUUID(), reservation, extra.amount ?? 12_000, status, extra.refunded ?? 0, randomUUID()],
      );
    const violation = (constraint: RegExp, code: string) =>
      expect.objectContaining({ code, constraint: expect.stringMatching(constraint) });

    test('one live (processing or succeeded) payment per reservation', async () => {
      const reservation = reservationId();
      const first = await insertPayment(reservation, 'processing');
      await expect(insertPayment(reservation, 'processing')).rejects.toEqual(violation(/^payments_one_live_per_reservation$/, '23505'));
      await expect(insertPayment(reservation, 'succeeded')).rejects.toEqual(violation(/^payments_one_live_per_reservation$/, '23505'));

      // Once the first is declined, the customer may pay again, and failed attempts never block.
      await db
        .pool()
        .query(`UPDATE payments SET status = 'declined', decline_reason = 'insufficient_funds' WHERE payment_id = $1`, [
          first.rows[0].payment_id,
        ]);
      await insertPayment(reservation, 'failed');
      await insertPayment(reservation, 'succeeded');
      await expect(insertPayment(reservation, 'processing')).rejects.toEqual(violation(/^payments_one_live_per_reservation$/, '23505'));
      const { rows } = await db.pool().query('SELECT status FROM payments WHERE reservation_id = $1 ORDER BY created_at', [reservation]);
      expect(rows.map((r) => r.status).sort()).toEqual(['declined', 'failed', 'succeeded']);
    });

    test('refunded_minor stays between 0 and amount_minor', async () => {
      const { rows } = await insertPayment(reservationId(), 'succeeded', { amount: 5_000 });
      const id = rows[0].payment_id;
      await db.pool().query('UPDATE payments SET refunded_minor = 5000 WHERE payment_id = $1', [id]);
      await expect(db.pool().query('UPDATE payments SET refunded_minor = 5001 WHERE payment_id = $1', [id])).rejects.toEqual(
        violation(/^payments_check/, '23514'),
      );
      await expect(db.pool().query('UPDATE payments SET refunded_minor = -1 WHERE payment_id = $1', [id])).rejects.toEqual(
        violation(/^payments_check/, '23514'),
      );
      await expect(insertPayment(reservationId(), 'succeeded', { amount: 100, refunded: 101 })).rejects.toMatchObject({ code: '23514' });
    });

    test('amounts are positive and statuses and sources are from the known sets', async () => {
      await expect(insertPayment(reservationId(), 'succeeded', { amount: 0 })).rejects.toEqual(violation(/amount_minor/, '23514'));
      await expect(insertPayment(reservationId(), 'refunded')).rejects.toEqual(violation(/status/, '23514'));
      const { rows } = await insertPayment(reservationId(), 'succeeded');
      const refund = (source: string, status = 'processing', amount = 100) =>
        db
          .pool()
          .query(
            'INSERT INTO refunds (refund_id, payment_id, amount_minor, reason, source, status, idempotency_key) VALUES ($1, $2, $3, $4, $5, $6, $7)',
            [randomUUID(), rows[0].payment_id, amount, 'cancelled', source, status, `refund-${randomUUID()}`],
          );
      await refund('cancellation');
      await refund('admin', 'succeeded');
      await refund('lapsed_hold', 'failed');
      await refund('no_show');
      await expect(refund('goodwill')).rejects.toEqual(violation(/source/, '23514'));
      await expect(refund('admin', 'declined')).rejects.toEqual(violation(/status/, '23514'));
      await expect(refund('admin', 'processing', 0)).rejects.toEqual(violation(/amount_minor/, '23514'));
    });

    test('a refund belongs to a payment and its idempotency key is unique', async () => {
      await expect(
        db.pool().query(
          `INSERT INTO refunds (refund_id, payment_id, amount_minor, reason, source, status, idempotency_key)
           VALUES ($1, $2, 100, 'x', 'admin', 'processing', 'k')`,
          [randomUUID(), randomUUID()],
        ),
      ).rejects.toMatchObject({ code: '23503' });
      const { rows } = await insertPayment(reservationId(), 'succeeded');
      const key = `refund-${randomUUID()}`;
      const refund = () =>
        db.pool().query(
          `INSERT INTO refunds (refund_id, payment_id, amount_minor, reason, source, status, idempotency_key)
           VALUES ($1, $2, 100, 'x', 'admin', 'processing', $3)`,
          [randomUUID(), rows[0].payment_id, key],
        );
      await refund();
      await expect(refund()).rejects.toMatchObject({ code: '23505' });
    });

    test('idempotency keys are unique per user, and the outbox fills in its defaults', async () => {
      const claim = (user: string, status = 'in_progress') =>
        db.pool().query(`INSERT INTO idempotency_keys (user_id, key, request_hash, status) VALUES ($1, 'key-1', 'h', $2)`, [user, status]);
      const user = `user-${randomUUID()}`;
      await claim(user);
      await expect(claim(user)).rejects.toMatchObject({ code: '23505' });
      await claim(`${user}-other`, 'done');
      await expect(claim(`${user}-third`, 'finished')).rejects.toMatchObject({ code: '23514' });

      const { rows } = await db
        .pool()
        .query(
          `INSERT INTO outbox (event_type, payload) VALUES ('payment.succeeded', '{"paymentId":"p"}') RETURNING id, attempts, published_at, created_at`,
        );
      expect(rows[0]).toMatchObject({ attempts: 0, published_at: null });
      expect(Number(rows[0].id)).toBeGreaterThan(0);
      expect(rows[0].created_at).toBeInstanceOf(Date);
    });
  });
});

(realPostgres ? describe : describe.skip)('on PostgreSQL, two runs at once (advisory lock)', () => {
  const schemas: string[] = [];
  afterAll(async () => {
    await withClient(realPostgres!, async (client) => {
      for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    });
  });

  test('on a fresh schema: one applies the migrations, the other waits and finds nothing to do', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const results = await Promise.all([migrateDatabase(realPostgres!, { schema }), migrateDatabase(realPostgres!, { schema })]);
    expect(results.sort((a, b) => b.length - a.length)).toEqual([ALL, []]);
    const names = await withClient(
      withSearchPath(realPostgres!, schema),
      async (client) => (await client.query('SELECT name FROM pgmigrations')).rows,
    );
    expect(names).toEqual(ALL.map((name) => ({ name })));
  });

  test('five at once on another fresh schema: still applied exactly once', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const results = await Promise.all(Array.from({ length: 5 }, () => migrateDatabase(realPostgres!, { schema })));
    expect(results.flat()).toEqual(ALL);
  });
});

test('0002 hashes the idempotency keys stored before it, and scopes old admin refund keys to their payment', async () => {
  const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
  const firstOnly = mkdtempSync(join(tmpdir(), 'migrations-'));
  copyFileSync(join(migrationsDir(), `${ALL[0]}.sql`), join(firstOnly, `${ALL[0]}.sql`));
  const base = realPostgres || (await startPostgres({ embedded: true }));
  const url = typeof base === 'string' ? base : base.url;
  const schema = realPostgres ? freshSchema() : undefined;
  try {
    expect(await migrateDatabase(url, { schema, dir: firstOnly })).toEqual([ALL[0]]);
    await withClient(schema ? withSearchPath(url, schema) : url, async (client) => {
      const paymentId = randomUUID();
      await client.query(
        `INSERT INTO idempotency_keys (user_id, key, request_hash, status) VALUES ('u1', '4242 4242 4242 4242', 'h', 'done')`,
      );
      await client.query(
        `INSERT INTO payments (payment_id, reservation_id, user_id, amount_minor, currency, method, status, idempotency_key)
         VALUES ($1, 'r1', 'u1', 1000, 'USD', 'credit_card', 'succeeded', '4242 4242 4242 4242')`,
        [paymentId],
      );
      await client.query(
        `INSERT INTO refunds (refund_id, payment_id, amount_minor, reason, source, status, idempotency_key)
         VALUES ($1, $2, 100, 'r', 'admin', 'succeeded', 'admin:k-1'), ($3, $2, 100, 'r', 'cancellation', 'succeeded', 'cancel:r1')`,
        [randomUUID(), paymentId, randomUUID()],
      );
      expect(await migrateDatabase(url, { schema })).toEqual(ALL.slice(1));
      expect((await client.query('SELECT key FROM idempotency_keys')).rows).toEqual([{ key: sha('4242 4242 4242 4242') }]);
      expect((await client.query('SELECT idempotency_key FROM payments')).rows).toEqual([{ idempotency_key: sha('4242 4242 4242 4242') }]);
      expect((await client.query('SELECT idempotency_key FROM refunds ORDER BY source')).rows).toEqual([
        { idempotency_key: `admin:${paymentId}:legacy:${sha('k-1')}` },
        { idempotency_key: 'cancel:r1' },
      ]);
    });
  } finally {
    if (schema) await withClient(url, (client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    if (typeof base !== 'string') await base.stop();
  }
}, 60_000);
