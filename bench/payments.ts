/**
 * `npm run bench:payments`: the payment service on PostgreSQL.
 *
 * Runs the payment use case itself (lambdas/domain/payments/pay.ts `pay`, as POST /v1/payments calls it)
 * with the real PostgreSQL store (PostgresPaymentStore) and the real gateway router (circuit breakers
 * and timeouts) around the sandbox gateway, and prints, per concurrency level:
 *
 *   - payments per second, and p50/p95/max latency of one `pay` call;
 *   - SQL statements and round trips per payment, counted by wrapping the pg Pool's `query` (every call
 *     is one statement and one round trip: pg sends Parse/Bind/Execute/Sync in one write), broken down by
 *     the store operation that issued them; new connections are counted apart. Target: at most 6
 *     statements per payment.
 *
 * Where: the PostgreSQL of DATABASE_URL when set, in a fresh schema `bench_payments_<random>` (migrated
 * with the project's migrations, dropped at the end); otherwise an embedded PGlite (one query at a time,
 * over a local socket), which the output says: its figures say nothing about a real server.
 *
 * Not measured: the reservations side. It is an in-memory fake of the `Reservations` port (`get` returns
 * a Pending reservation with a live hold, `confirm` returns true), so the figures are PostgreSQL's and the
 * service's, not DynamoDB's. The sandbox gateway answers at once (no simulated latency).
 *
 * Scale with BENCH_PAYMENTS (2000 per level), BENCH_CONCURRENCY (levels, "1,8"), BENCH_WARMUP (200).
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { performance as perf } from 'node:perf_hooks';
import { Client, Pool } from 'pg';
import { CircuitBreakingRouter } from '../lambdas/adapters/payments/gateways/router';
import { SandboxGateway } from '../lambdas/adapters/payments/gateways/sandbox-gateway';
import { migrateDatabase, withSearchPath } from '../lambdas/adapters/payments/migrate';
import { PostgresHoldStore } from '../lambdas/adapters/payments/postgres-hold-store';
import { PostgresPaymentStore } from '../lambdas/adapters/payments/postgres-payment-store';
import type { Reservation } from '../lambdas/domain/bookings/reservation';
import { pay } from '../lambdas/domain/payments/pay';
import type { PaymentDeps, PaymentStore, Reservations } from '../lambdas/domain/payments/ports';
import { systemClock } from '../lambdas/shared/clock';
import { startPostgres, type PostgresStandIn } from '../local/standins/postgres';

const num = (name: string, fallback: number) => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number >= 0, got "${raw}"`);
  return value;
};
const PAYMENTS = Math.max(1, num('BENCH_PAYMENTS', 2000));
const WARMUP = num('BENCH_WARMUP', 200);
const LEVELS = (process.env.BENCH_CONCURRENCY ?? '1,8').split(',').map((s) => {
  const n = Number(s.trim());
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`BENCH_CONCURRENCY must list whole numbers >= 1, got "${process.env.BENCH_CONCURRENCY}"`);
  return n;
});
const STATEMENT_TARGET = 6;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const ms = (v: number) => `${v.toFixed(2)} ms`;

/* ---- Metering: every pool.query is one statement and one round trip, labelled by store operation ---- */

const operation = new AsyncLocalStorage<string>();

class Meter {
  statements = 0;
  connections = 0;
  byOperation = new Map<string, number>();
  reset() {
    this.statements = 0;
    this.connections = 0;
    this.byOperation.clear();
  }
  statement() {
    this.statements++;
    const op = operation.getStore() ?? '(outside the store)';
    this.byOperation.set(op, (this.byOperation.get(op) ?? 0) + 1);
  }
}

const meteredPool = (connectionString: string, max: number, meter: Meter): Pool => {
  const pool = new Pool({ connectionString, max });
  pool.on('error', () => undefined);
  pool.on('connect', () => meter.connections++);
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    meter.statement();
    return query(...args);
  };
  return pool;
};

/** The store, with each call's statements attributed to the store operation that issued them. */
const labelled = (store: PaymentStore): PaymentStore =>
  new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => operation.run(String(prop), () => value.apply(target, args));
    },
  });

/* ---- The reservations side: an in-memory fake, so the figures are PostgreSQL's and the service's ---- */

const PRICE = { currency: 'USD' as const, dailyMinor: 4_550, days: 3, totalMinor: 13_650 };

class FakeReservations implements Reservations {
  private readonly held = new Map<string, Reservation>();
  /** A new Pending reservation with a live hold, for `userId`. */
  hold(userId: string): Reservation {
    const now = systemClock.now();
    const reservation: Reservation = {
      reservationId: randomUUID(),
      userId,
      carId: randomUUID(),
      startDate: new Date(now.getTime() + 10 * 86_400_000).toISOString().slice(0, 10),
      endDate: new Date(now.getTime() + 13 * 86_400_000).toISOString().slice(0, 10),
      status: 'Pending',
      price: PRICE,
      car: { make: 'Toyota', model: 'Corolla', year: 2024, type: 'SEDAN', location: 'SEA' },
      holdExpiresAt: now.getTime() + 5 * 60_000,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    this.held.set(reservation.reservationId, reservation);
    return reservation;
  }
  async get(reservationId: string) {
    return this.held.get(reservationId);
  }
  async confirm() {
    return true;
  }
}

/* ---- The run ---- */

interface Level {
  concurrency: number;
  seconds: number;
  latencies: number[];
  statements: number;
  connections: number;
  byOperation: Map<string, number>;
  failures: string[];
}

const run = async (deps: PaymentDeps, reservations: FakeReservations, meter: Meter, count: number, concurrency: number): Promise<Level> => {
  const users = Array.from({ length: 50 }, () => randomUUID());
  const work = Array.from({ length: count }, (_, i) => reservations.hold(users[i % users.length]));
  const latencies: number[] = [];
  const failures: string[] = [];
  meter.reset();
  let next = 0;
  const started = perf.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < work.length) {
        const r = work[next++];
        const t0 = perf.now();
        try {
          const answer = await pay(deps, {
            userId: r.userId,
            idempotencyKey: randomUUID(),
            reservationId: r.reservationId,
            amount: r.price.totalMinor / 100,
            paymentMethod: 'credit_card',
            details: { cardToken: 'tok_visa' },
          });
          if (answer.status !== 201) failures.push(`status ${answer.status}`);
        } catch (err) {
          failures.push((err as Error).message);
        }
        latencies.push(perf.now() - t0);
      }
    }),
  );
  const seconds = (perf.now() - started) / 1000;
  return {
    concurrency,
    seconds,
    latencies,
    statements: meter.statements,
    connections: meter.connections,
    byOperation: new Map(meter.byOperation),
    failures,
  };
};

const main = async () => {
  const external = process.env.DATABASE_URL;
  const schema = external ? `bench_payments_${randomUUID().replace(/-/g, '').slice(0, 12)}` : 'public';
  let pglite: PostgresStandIn | undefined;
  let url: string;
  if (external) {
    const client = new Client({ connectionString: external });
    await client.connect();
    const { rows } = await client.query('SELECT version() AS v');
    await client.end();
    console.log(`PostgreSQL: ${String(rows[0].v).split(' on ')[0]} at ${new URL(external).host} (DATABASE_URL), fresh schema ${schema}`);
    await migrateDatabase(external, { schema });
    url = withSearchPath(external, schema);
  } else {
    console.log('PostgreSQL: PGlite (embedded, over pglite-socket; DATABASE_URL is not set).');
    console.log("  PGlite runs one query at a time in this machine's WASM: its figures are NOT those of a real server.");
    pglite = await startPostgres({ embedded: true });
    await migrateDatabase(pglite.url);
    url = pglite.url;
  }
  console.log('Reservations: an in-memory fake of the Reservations port (Pending with a live hold; confirm -> true):');
  console.log('  the figures are PostgreSQL and the payment service (pay, idempotency, outbox, relay), not DynamoDB.');
  console.log('Gateway: the sandbox (no latency) behind the circuit-breaking router; method credit_card, token tok_visa.');
  console.log(`Payments: ${PAYMENTS} per concurrency level (${LEVELS.join(', ')}), after ${WARMUP} warm-up payments.\n`);

  const meter = new Meter();
  const pool = meteredPool(url, Math.max(...LEVELS), meter);
  const reservations = new FakeReservations();
  const deps: PaymentDeps = {
    payments: labelled(new PostgresPaymentStore(async () => pool)),
    holds: new PostgresHoldStore(async () => pool),
    reservations,
    gateways: new CircuitBreakingRouter([new SandboxGateway()]),
    notices: { refundedLate: async () => undefined },
    clock: systemClock,
    newId: () => randomUUID(),
  };

  let failed = false;
  try {
    if (WARMUP) await run(deps, reservations, meter, WARMUP, Math.max(...LEVELS));
    for (const concurrency of LEVELS) {
      const level = await run(deps, reservations, meter, PAYMENTS, concurrency);
      const n = level.latencies.length;
      console.log(
        `${concurrency} in flight: ${n} payments in ${level.seconds.toFixed(2)} s = ${(n / level.seconds).toFixed(0)} payments/s`,
      );
      console.log(
        `  latency of pay(): p50 ${ms(percentile(level.latencies, 50))}, p95 ${ms(percentile(level.latencies, 95))}, max ${ms(Math.max(...level.latencies))}`,
      );
      const perPayment = level.statements / n;
      console.log(
        `  SQL per payment: ${perPayment.toFixed(2)} statements, ${perPayment.toFixed(2)} round trips ` +
          `(target <= ${STATEMENT_TARGET} statements: ${perPayment <= STATEMENT_TARGET ? 'met' : 'NOT met'}); new connections: ${level.connections}`,
      );
      const breakdown = [...level.byOperation].sort((a, b) => b[1] - a[1]).map(([op, c]) => `${op} ${(c / n).toFixed(2)}`);
      console.log(`  by store operation: ${breakdown.join(', ')}`);
      if (level.failures.length) {
        failed = true;
        console.log(`  FAILED payments: ${level.failures.length} (first: ${level.failures[0]})`);
      }
      console.log('');
    }

    // Everything the runs wrote is consistent: every payment succeeded once, every outbox event delivered.
    const { rows } = await pool.query(
      `SELECT (SELECT count(*) FROM payments WHERE status = 'succeeded')::int AS paid,
              (SELECT count(*) FROM payments WHERE status <> 'succeeded')::int AS other,
              (SELECT count(*) FROM outbox WHERE published_at IS NULL)::int AS undelivered,
              (SELECT count(*) FROM idempotency_keys WHERE status <> 'done')::int AS open_keys`,
    );
    const expected = WARMUP + PAYMENTS * LEVELS.length;
    const c = rows[0] as { paid: number; other: number; undelivered: number; open_keys: number };
    console.log(
      `Check: ${c.paid} payments succeeded (expected ${expected}), ${c.other} other, ${c.undelivered} outbox events undelivered, ${c.open_keys} keys open.`,
    );
    if (c.paid !== expected || c.other || c.undelivered || c.open_keys) failed = true;
  } finally {
    await pool.end();
    if (external) {
      const client = new Client({ connectionString: external });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
      console.log(`Dropped schema ${schema}.`);
    }
    await pglite?.stop();
  }
  if (failed) process.exitCode = 1;
};

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
