#!/usr/bin/env node
/**
 * `npm run ratings:rebuild -- [--local [port]]`
 *
 * Recomputes every car's rating totals (count, sum, per-star counts) from the feedback table; safe to
 * run while the API and the aggregator run. The logic is lambdas/adapters/feedback/rebuild.ts.
 *
 * Where: --local [port] targets a running `npm start` (default port: PORT or 3000), found through the
 * file it writes. Otherwise a deployed stack, through the environment: CARS_TABLE and FEEDBACK_TABLE
 * (the stack outputs CarsTableName and FeedbackTableName), with AWS credentials and AWS_REGION as for
 * the AWS CLI.
 */
import './support/quiet-sdk-warnings';
import { parseArgs } from 'node:util';
import { readRuntimeFile } from '../local/runtime-file';
import { tables } from '../lambdas/shared/tables';

const USAGE = 'Usage: npm run ratings:rebuild -- [--local [port]]';

const main = async (): Promise<number> => {
  const { values } = parseArgs({
    options: { local: { type: 'string' }, help: { type: 'boolean', default: false } },
    args: process.argv.slice(2).map((a, i, all) => (a === '--local' && (!all[i + 1] || all[i + 1].startsWith('--')) ? '--local=' : a)),
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.local !== undefined) Object.assign(process.env, (await readRuntimeFile(values.local || process.env.PORT || 3000)).env);
  const cars = process.env[tables.cars.envVar];
  const feedback = process.env[tables.feedback.envVar];
  if (!cars || !feedback) {
    console.error(
      `${tables.cars.envVar} and ${tables.feedback.envVar} must be set (the stack outputs CarsTableName and FeedbackTableName), or pass --local.\n${USAGE}`,
    );
    return 2;
  }
  // Loaded after the environment is set: the document client reads the endpoint from it.
  const { documentClient } = await import('../lambdas/adapters/dynamodb');
  const { rebuildAllRatings } = await import('../lambdas/adapters/feedback/rebuild');
  const started = Date.now();
  const report = await rebuildAllRatings(
    documentClient(),
    { cars, feedback },
    {
      onCar: (carId, repaired) => repaired && console.log(`  repaired ${carId}`),
    },
  );
  console.log(
    `Rebuilt the ratings of ${report.cars} cars from ${report.reviews} reviews in ${Date.now() - started} ms; ${report.repaired.length} repaired.`,
  );
  return 0;
};

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`ratings rebuild failed: ${err.message}`);
    process.exit(1);
  },
);
