/**
 * `npm run bench:cold-start`: every function's cold start against a one-client baseline.
 *
 * Each function of `capabilities` is bundled with the stack's own settings (bench/function-bundle.ts:
 * lib/bundling/bundle-settings.ts, minified CommonJS, AWS SDK external as the Node.js 22 runtime provides it) into
 * `.cold-start/<id>/index.js`. The baseline is an ESM module that only imports
 * `@aws-sdk/client-dynamodb` and exports an empty handler. Printed per function:
 *
 *   - bundle KB (1 KB = 1,000 bytes) of index.js and the 3 packages with the most bytes in it, and the
 *     sidecars beside it (lib/bundling/sidecars.ts: loaded on first use, so outside the budget);
 *   - init: a fresh `node` process imports the bundle with the function's environment set (the
 *     variables the stack sets for its `uses`, placeholder values, AWS_LAMBDA_FUNCTION_NAME and
 *     AWS_EXECUTION_ENV so Powertools behaves as in Lambda, NODE_OPTIONS=--enable-source-maps as the
 *     stack sets it); runs are paired with the baseline (A B A B ...), and the ratio is the median of
 *     the pairs' ratios (function over baseline); the medians of both import times are printed too;
 *   - first response: the same process then invokes the handler once with a first event that makes it do
 *     its real work (bench/cold-start-events.ts; a function without one gets an empty event, marked
 *     GENERIC), against the stand-ins started once for the run (bench/cold-start-world.ts). `first ms` is
 *     init plus that invocation from the same start: what the first caller waits for, sidecars loaded on
 *     first use included. The baseline's first invocation makes one GetItem on DynamoDB Local; `first
 *     ratio` is the median of the pairs' ratios, as for init. The answer's status (and a 4xx's error code)
 *     is printed; a 5xx or a thrown error fails the run (is only reported under BENCH_SMOKE=true);
 *   - for information, the same ratio against a CommonJS module that require()s the same client (the
 *     way the bundles load the SDK): what the function adds beyond one client, loader difference aside;
 *   - peak memory: the median maxRSS of the function's processes.
 *
 * Exits 1 when a function breaks its budget (bench/cold-start-budget.ts, the one place budgets live): init
 * and first response each within 1.5x of the baseline's.
 * Payment functions run with PAYMENT_GATEWAY_MODE=sandbox: live gateway SDKs are imported on first use.
 * Redis is the machine's when REDIS_URL is set; otherwise a closed port, so functions take their Redis-down
 * fallback (the output says which). PostgreSQL is always PGlite, with the payments migrations.
 *
 * BENCH_COLD_START_RUNS (pairs per function, default 7), BENCH_COLD_START_ONLY (comma-separated ids),
 * BENCH_COLD_START_HANDOVERS=real (the counter functions hand a rental over for real: bench/cold-start-events.ts).
 * BENCH_SMOKE=true (npm run bench:smoke, in CI): the init ratio is printed but not judged, since CI's
 * machine is shared and busy; sizes and a bundle that fails to load still fail the run.
 * Timings move with machine load; sizes do not. Run on an otherwise idle machine for the README figures.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { capabilityList } from '../lambdas/capabilities';
import { projectRoot } from '../lib/config';
import { budgetOf, COLD_START_BUDGET } from './cold-start-budget';
import { FIRST_EVENTS, genericEvent } from './cold-start-events';
import { startBenchWorld, type BenchWorld } from './cold-start-world';
import { bundleFunction, environmentOf } from './function-bundle';

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_COLD_START_RUNS ?? 7);
const ONLY = process.env.BENCH_COLD_START_ONLY?.split(',').filter(Boolean);
const JUDGE_TIMING = process.env.BENCH_SMOKE !== 'true';
const OUT = path.join(projectRoot, '.cold-start'); // inside the project, so bundles resolve node_modules' @aws-sdk
const PROBE = path.join(__dirname, 'cold-start-init.mjs');
const REPORT_MARKER = 'cold-start-report '; // as the probe writes it

interface Sample {
  ms: number;
  maxRssKb: number;
  /** Init plus the first invocation, when the probe was given an event. */
  firstMs: number;
  status?: number;
  /** The error code of a 4xx answer. */
  code?: string;
  body?: string;
  error?: string;
}

/** One fresh process: init, then the first invocation with `event` (written to a file for the probe). */
const coldStart = async (bundle: string, env: NodeJS.ProcessEnv, event: unknown): Promise<Sample> => {
  const eventFile = path.join(path.dirname(bundle), 'event.json');
  await writeFile(eventFile, JSON.stringify(event));
  const { stdout } = await run(process.execPath, [PROBE, bundle, eventFile], { env, cwd: path.dirname(bundle), timeout: 120_000 });
  const report = stdout.split('\n').find((line) => line.startsWith(REPORT_MARKER));
  if (!report) throw new Error(`${bundle}: no report from the probe:\n${stdout}`);
  return JSON.parse(report.slice(REPORT_MARKER.length)) as Sample;
};

/** What a first invocation answered, when it is neither 2xx nor 4xx (a 5xx or a thrown error). */
const trouble = (s: Sample): string | undefined =>
  s.error ? `threw ${s.error.split('\n')[0]}` : s.status !== undefined && s.status >= 500 ? `${s.status} ${s.body ?? ''}` : undefined;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

const main = async () => {
  await rm(OUT, { recursive: true, force: true });
  // A hand-over per first response: the warm-up's and each run's.
  const world: BenchWorld = await startBenchWorld(RUNS + 1);
  try {
    await measure(world);
  } finally {
    await world.stop();
  }
};

const measure = async (world: BenchWorld) => {
  // The baseline: one DynamoDB client, imported at init; its first invocation builds it and makes one
  // GetItem on a table that exists (DynamoDB Local), the least a function that reads data does.
  const baseline = path.join(OUT, 'baseline', 'index.mjs');
  await mkdir(path.dirname(baseline), { recursive: true });
  await writeFile(
    baseline,
    [
      "import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';",
      'let client;',
      'export const handler = async () => {',
      '  client ??= new DynamoDBClient({});',
      "  await client.send(new GetItemCommand({ TableName: process.env.CARS_TABLE, Key: { pk: { S: 'CAR#none' }, sk: { S: 'CAR' } } }));",
      '  return { statusCode: 200 };',
      '};',
      '',
    ].join('\n'),
  );
  // For information only (no budget): the same client required the CommonJS way, as the bundles load the
  // SDK. The ratio against it shows what a function adds beyond one client, with the loader difference out.
  const requireBaseline = path.join(OUT, 'baseline-require', 'index.js');
  await mkdir(path.dirname(requireBaseline), { recursive: true });
  await writeFile(
    requireBaseline,
    "const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');\nexports.handler = async () => {};\nvoid DynamoDBClient;\n",
  );
  const baseEnv = { ...environmentOf({ entry: '', description: '', uses: {} }), ...world.env };

  const functions = capabilityList().filter(([id]) => !ONLY || ONLY.includes(id));
  console.log(
    `cold start: ${functions.length} functions, ${RUNS} paired runs each, node ${process.version}, ${os.cpus().length} CPUs, load before ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`first response against ${world.conditions}`);
  console.log(
    `budget: ${COLD_START_BUDGET.maxBundleKB} KB; init and first response each ${COLD_START_BUDGET.maxInitRatio}x the baseline's (bench/cold-start-budget.ts)${
      JUDGE_TIMING ? '' : '; timings not judged (BENCH_SMOKE=true)'
    }\n`,
  );
  const header = [
    'function',
    'KB',
    'top packages (KB)',
    'sidecars (KB)',
    'init ms',
    'base ms',
    'ratio',
    'first ms',
    'base first ms',
    'first ratio',
    'first event',
    'vs require() base',
    'RSS MB',
    'budget',
  ];
  const rows: string[][] = [];
  const failures: string[] = [];
  const troubles: string[] = [];
  const started = Date.now();

  for (const [id, def] of functions) {
    const outdir = path.join(OUT, id);
    const bundle = await bundleFunction(def.entry, outdir);
    const file = bundle.file;
    const env = { ...environmentOf(def), ...world.env };
    const firstEvent = FIRST_EVENTS[id];
    const event = () => (firstEvent ? firstEvent(world.events) : genericEvent());
    const base: Sample[] = [];
    const requireBase: number[] = [];
    const fn: Sample[] = [];
    // A first load warms the file cache for both (and the stand-ins' paths), and fails fast on a broken bundle.
    await coldStart(file, env, event());
    await coldStart(baseline, baseEnv, {});
    await coldStart(requireBaseline, baseEnv, {});
    for (let i = 0; i < RUNS; i++) {
      base.push(await coldStart(baseline, baseEnv, {}));
      fn.push(await coldStart(file, env, event()));
      requireBase.push((await coldStart(requireBaseline, baseEnv, {})).ms);
    }
    for (const [who, samples] of [
      [id, fn],
      ['baseline', base],
    ] as const)
      for (const bad of new Set(samples.map(trouble).filter(Boolean))) troubles.push(`${who}: ${bad}`);
    const kb = bundle.bytes / 1000;
    const initMs = median(fn.map((s) => s.ms));
    const baseMs = median(base.map((s) => s.ms));
    // The median of each pair's ratio: a pair runs back to back, so load that drifts over the run (a shared
    // machine) moves both of its halves and cancels out, where a ratio of the two medians would not.
    const ratio = median(fn.map((s, i) => s.ms / base[i].ms));
    const firstRatio = median(fn.map((s, i) => s.firstMs / base[i].firstMs));
    const budget = budgetOf(id);
    const broken = [
      ...(kb > budget.maxBundleKB ? [`${kb.toFixed(0)} KB > ${budget.maxBundleKB} KB`] : []),
      ...(JUDGE_TIMING && ratio > budget.maxInitRatio ? [`init ${ratio.toFixed(2)}x > ${budget.maxInitRatio}x`] : []),
      ...(JUDGE_TIMING && firstRatio > budget.maxInitRatio ? [`first response ${firstRatio.toFixed(2)}x > ${budget.maxInitRatio}x`] : []),
    ];
    if (broken.length) failures.push(`${id}: ${broken.join(', ')}`);
    const statuses = [...new Set(fn.map((s) => (s.error ? 'threw' : [s.status ?? 'ok', s.code].filter(Boolean).join(' '))))].join('/');
    const row = [
      id,
      kb.toFixed(0),
      bundle.packages
        .slice(0, 3)
        .map((p) => `${p.name} ${(p.bytes / 1000).toFixed(0)}`)
        .join(', '),
      bundle.sidecars.map((c) => `${c.name} ${(c.bytes / 1000).toFixed(0)}`).join(', ') || '-',
      initMs.toFixed(1),
      baseMs.toFixed(1),
      ratio.toFixed(2),
      median(fn.map((s) => s.firstMs)).toFixed(1),
      median(base.map((s) => s.firstMs)).toFixed(1),
      firstRatio.toFixed(2),
      `${firstEvent ? '' : 'GENERIC '}${statuses}`,
      median(fn.map((s, i) => s.ms / requireBase[i])).toFixed(2),
      (median(fn.map((s) => s.maxRssKb)) / 1024).toFixed(0),
      broken.length ? 'OVER' : budget.maxBundleKB > COLD_START_BUDGET.maxBundleKB ? `ok (${budget.maxBundleKB} KB allowed)` : 'ok',
    ];
    rows.push(row);
    console.log(row.join(' | '));
  }

  console.log(`\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  const column = (name: string) => rows.map((r) => Number(r[header.indexOf(name)]));
  const [ratios, firstRatios, requireRatios] = [column('ratio'), column('first ratio'), column('vs require() base')];
  console.log(
    `\n${rows.length} functions in ${((Date.now() - started) / 1000).toFixed(0)} s; ratio median ${median(ratios).toFixed(2)}x, max ${Math.max(...ratios).toFixed(2)}x` +
      `; first ratio median ${median(firstRatios).toFixed(2)}x, max ${Math.max(...firstRatios).toFixed(2)}x` +
      ` (against the require() baseline: median ${median(requireRatios).toFixed(2)}x, max ${Math.max(...requireRatios).toFixed(2)}x); load after ${os.loadavg()[0].toFixed(2)}`,
  );
  const atTarget = rows.filter((r) => Number(r[1]) <= COLD_START_BUDGET.maxBundleKB).length;
  console.log(`${atTarget} of ${rows.length} bundles at most ${COLD_START_BUDGET.maxBundleKB} KB`);
  if (troubles.length) {
    // A first response that fails is no figure: fatal when timings are judged, reported in smoke runs.
    console.error(
      `\nfirst invocations that answered 5xx or threw${JUDGE_TIMING ? '' : ' (smoke: reported only)'}:\n  ${troubles.join('\n  ')}`,
    );
    if (JUDGE_TIMING) process.exitCode = 1;
  }
  if (failures.length) {
    console.error(`\nover budget:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
};

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  // The seeding's clients (a real Redis's connection, the PostgreSQL pool's timers) would keep the run alive.
  .finally(() => process.exit());
