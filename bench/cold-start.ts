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
 *   - for information, the same ratio against a CommonJS module that require()s the same client (the
 *     way the bundles load the SDK): what the function adds beyond one client, loader difference aside;
 *   - peak memory: the median maxRSS of the function's processes.
 *
 * Exits 1 when a function breaks its budget (bench/cold-start-budget.ts, the one place budgets live).
 * Payment functions run with PAYMENT_GATEWAY_MODE=sandbox: live gateway SDKs are imported on first use.
 * Nothing connects anywhere: clients are built at init, connections are made on first use.
 *
 * BENCH_COLD_START_RUNS (pairs per function, default 7), BENCH_COLD_START_ONLY (comma-separated ids).
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
import { bundleFunction, environmentOf } from './function-bundle';

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_COLD_START_RUNS ?? 7);
const ONLY = process.env.BENCH_COLD_START_ONLY?.split(',').filter(Boolean);
const JUDGE_TIMING = process.env.BENCH_SMOKE !== 'true';
const OUT = path.join(projectRoot, '.cold-start'); // inside the project, so bundles resolve node_modules' @aws-sdk
const PROBE = path.join(__dirname, 'cold-start-init.mjs');

interface Sample {
  ms: number;
  maxRssKb: number;
}

const initOnce = async (bundle: string, env: NodeJS.ProcessEnv): Promise<Sample> => {
  const { stdout } = await run(process.execPath, [PROBE, bundle], { env, cwd: path.dirname(bundle) });
  return JSON.parse(stdout) as Sample;
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

const main = async () => {
  await rm(OUT, { recursive: true, force: true });
  const baseline = path.join(OUT, 'baseline', 'index.mjs');
  await mkdir(path.dirname(baseline), { recursive: true });
  await writeFile(
    baseline,
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const handler = async () => {};\nvoid DynamoDBClient;\n",
  );
  // For information only (no budget): the same client required the CommonJS way, as the bundles load the
  // SDK. The ratio against it shows what a function adds beyond one client, with the loader difference out.
  const requireBaseline = path.join(OUT, 'baseline-require', 'index.js');
  await mkdir(path.dirname(requireBaseline), { recursive: true });
  await writeFile(
    requireBaseline,
    "const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');\nexports.handler = async () => {};\nvoid DynamoDBClient;\n",
  );
  const baseEnv = environmentOf({ entry: '', description: '', trigger: { kind: 'http' }, uses: {} });

  const functions = capabilityList().filter(([id]) => !ONLY || ONLY.includes(id));
  console.log(
    `cold start: ${functions.length} functions, ${RUNS} paired runs each, node ${process.version}, ${os.cpus().length} CPUs, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `budget: ${COLD_START_BUDGET.maxBundleKB} KB, init ${COLD_START_BUDGET.maxInitRatio}x the baseline (bench/cold-start-budget.ts)\n`,
  );
  const header = [
    'function',
    'KB',
    'top packages (KB)',
    'sidecars (KB)',
    'init ms',
    'base ms',
    'ratio',
    'vs require() base',
    'RSS MB',
    'budget',
  ];
  const rows: string[][] = [];
  const failures: string[] = [];
  const started = Date.now();

  for (const [id, def] of functions) {
    const outdir = path.join(OUT, id);
    const bundle = await bundleFunction(def.entry, outdir);
    const file = bundle.file;
    const env = environmentOf(def);
    const base: number[] = [];
    const requireBase: number[] = [];
    const fn: Sample[] = [];
    await initOnce(file, env); // a first load warms the file cache for both, and fails fast on a broken bundle
    await initOnce(baseline, baseEnv);
    await initOnce(requireBaseline, baseEnv);
    for (let i = 0; i < RUNS; i++) {
      base.push((await initOnce(baseline, baseEnv)).ms);
      fn.push(await initOnce(file, env));
      requireBase.push((await initOnce(requireBaseline, baseEnv)).ms);
    }
    const kb = bundle.bytes / 1000;
    const initMs = median(fn.map((s) => s.ms));
    const baseMs = median(base);
    // The median of each pair's ratio: a pair runs back to back, so load that drifts over the run (a shared
    // machine) moves both of its halves and cancels out, where a ratio of the two medians would not.
    const ratio = median(fn.map((s, i) => s.ms / base[i]));
    const budget = budgetOf(id);
    const broken = [
      ...(kb > budget.maxBundleKB ? [`${kb.toFixed(0)} KB > ${budget.maxBundleKB} KB`] : []),
      ...(JUDGE_TIMING && ratio > budget.maxInitRatio ? [`init ${ratio.toFixed(2)}x > ${budget.maxInitRatio}x`] : []),
    ];
    if (broken.length) failures.push(`${id}: ${broken.join(', ')}`);
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
  const [ratios, requireRatios] = [column('ratio'), column('vs require() base')];
  console.log(
    `\n${rows.length} functions in ${((Date.now() - started) / 1000).toFixed(0)} s; ratio median ${median(ratios).toFixed(2)}x, max ${Math.max(...ratios).toFixed(2)}x` +
      ` (against the require() baseline: median ${median(requireRatios).toFixed(2)}x, max ${Math.max(...requireRatios).toFixed(2)}x); load after ${os.loadavg()[0].toFixed(2)}`,
  );
  const atTarget = rows.filter((r) => Number(r[1]) <= COLD_START_BUDGET.maxBundleKB).length;
  console.log(`${atTarget} of ${rows.length} bundles at most ${COLD_START_BUDGET.maxBundleKB} KB`);
  if (failures.length) {
    console.error(`\nover budget:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
};

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
