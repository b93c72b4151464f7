import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { capabilityList } from '../../lambdas/capabilities';
import { bundleFunction, environmentOf } from '../../bench/function-bundle';

/**
 * Every bundle starts with only the environment the stack gives it: a fresh node process imports the
 * minified bundle with the variables its `uses` implies (and AWS_LAMBDA_FUNCTION_NAME, so the
 * cold-start environment check runs). A module that reads a variable its capability does not declare
 * at init would fail every cold start in AWS, while the local runtime, which sets everything, hides it.
 * Nothing is timed here (bench:cold-start does that).
 */
const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const PROBE = path.join(ROOT, 'bench', 'cold-start-init.mjs');

describe('function bundles start with the environment the stack sets', () => {
  let dir: string;
  // Inside the project, so the external @aws-sdk packages resolve from node_modules as the runtime provides them.
  beforeAll(async () => (dir = await mkdtemp(path.join(ROOT, '.cold-start-test-'))));
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it.each(capabilityList().map(([id, def]) => [id, def] as const))(
    '%s',
    async (id, def) => {
      const outdir = path.join(dir, id);
      const { file } = await bundleFunction(def.entry, outdir);
      const started = await run(process.execPath, [PROBE, file], { env: environmentOf(def) }).then(
        () => 'started',
        (error: { stderr?: string }) =>
          (error.stderr ?? String(error)).split('\n').find((l) => /^\w*Error( \[\w+\])?: /.test(l)) ?? 'failed',
      );
      expect(started).toBe('started');
    },
    30_000,
  );
});
