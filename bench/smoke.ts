/**
 * `npm run bench:smoke`: every benchmark at a small size, one after the other, so none can rot unseen
 * (CI runs it). Each one exits non-zero when its own correctness counters are off (search: non-200
 * answers, scans, no second page; booking: overbookings, undecided requests, 5xx; payments: failed or
 * unconfirmed payments, statements over target; mixed: a held car shown by a search, 5xx; cold start: a bundle over its size or failing to load; four functions).
 * The figures of a smoke run mean nothing: the sizes are tiny and the machine is busy.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const SMOKE: Array<{ script: string; env: Record<string, string> }> = [
  { script: 'search', env: { BENCH_CARS: '2000', BENCH_RESERVATIONS: '4000', BENCH_SEARCHES: '5', BENCH_PAGE_LIMIT: '2' } },
  {
    script: 'booking',
    env: { BENCH_REQUESTS: '60', BENCH_CARS: '10', BENCH_CUSTOMERS: '20', BENCH_CONCURRENCY: '10', BENCH_DECIDE_TIMEOUT_S: '120' },
  },
  // Every cache scheme over a few operations: the correctness check (no held car shown) runs, the hit rate means nothing.
  { script: 'mixed', env: { BENCH_OPS: '40', BENCH_CARS: '6', BENCH_CONCURRENCY: '4' } },
  { script: 'payments', env: { BENCH_PAYMENTS: '40', BENCH_WARMUP: '5', BENCH_CONCURRENCY: '1,4' } },
  // One function per kind of trigger (HTTP, FIFO queue, stream) and the payment one with sidecars: all
  // 40 take minutes on a busy machine, and test/infra/bundles.test.ts checks every size already.
  {
    script: 'cold-start',
    env: { BENCH_COLD_START_RUNS: '1', BENCH_COLD_START_ONLY: 'searchCars,decideBooking,aggregateRatings,payForReservation' },
  },
];

const tsx = path.join(__dirname, '../node_modules/tsx/dist/cli.mjs');
const failed: string[] = [];
for (const { script, env } of SMOKE) {
  const started = performance.now();
  console.log(
    `\n=== bench:${script} (smoke: ${Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')})`,
  );
  const run = spawnSync(process.execPath, [tsx, path.join(__dirname, `${script}.ts`)], {
    env: { ...process.env, ...env, BENCH_SMOKE: 'true' },
    stdio: 'inherit',
  });
  const secs = ((performance.now() - started) / 1000).toFixed(0);
  console.log(`=== bench:${script}: ${run.status === 0 ? 'ok' : `FAILED (exit ${run.status ?? run.signal})`} in ${secs} s`);
  if (run.status !== 0) failed.push(script);
}
if (failed.length) {
  console.error(`\nbench smoke failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
