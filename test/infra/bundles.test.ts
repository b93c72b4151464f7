import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { capabilityList, type CapabilityUses } from '../../lambdas/capabilities';
import { budgetOf, COLD_START_BUDGET, SIZE_EXCEPTIONS } from '../../bench/cold-start-budget';
import { bundleFunction, environmentOf, type FunctionBundle } from '../../bench/function-bundle';
import { sidecarsOf } from '../../lib/bundling/sidecars';

/**
 * Every function bundled once, exactly as the stack bundles it (bench/function-bundle.ts: the stack's esbuild
 * settings, AWS SDK external, its sidecars beside it), and each check below reads that one bundle: esbuild
 * runs once per function in the infra layer, not once per check.
 */
const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const PROBE = path.join(ROOT, 'bench', 'cold-start-init.mjs');
const functions = capabilityList().map(([id, def]) => [id, def] as const);

let dir: string;
// Inside the project, so the external @aws-sdk packages resolve from node_modules as the runtime provides them.
beforeAll(async () => (dir = await mkdtemp(path.join(ROOT, '.cold-start-test-'))));
afterAll(async () => rm(dir, { recursive: true, force: true }));

const bundles = new Map<string, Promise<FunctionBundle>>();
const bundleOf = (id: string, entry: string) => bundles.get(id) ?? bundles.set(id, bundleFunction(entry, path.join(dir, id))).get(id)!;

/**
 * Every function's index.js within its size budget (bench/cold-start-budget.ts: 250 KB, or the figure of
 * its stated exception), so a dependency that grows a bundle fails CI rather than every cold start.
 * Init times are the benchmark's job (`npm run bench:cold-start`), never a test's: they move with load.
 */
describe('function bundles within their size budget', () => {
  it.each(functions)('%s', async (id, def) => {
    const kb = Math.round((await bundleOf(id, def.entry)).bytes / 100) / 10;
    expect({ kb, within: kb <= budgetOf(id).maxBundleKB }).toEqual({ kb, within: true });
  });

  it('names only functions that exist, each with a reason, over the budget', () => {
    const ids = new Set<string>(functions.map(([id]) => id));
    for (const [id, exception] of Object.entries(SIZE_EXCEPTIONS)) {
      expect({
        id,
        exists: ids.has(id),
        why: exception.why.length > 20,
        over: exception.maxBundleKB > COLD_START_BUDGET.maxBundleKB,
      }).toEqual({
        id,
        exists: true,
        why: true,
        over: true,
      });
    }
  });
});

/**
 * A function loads only the clients its capability uses (cold start: every module loaded at init is
 * paid by the user who waits): the packages its bundle reaches, against what its `uses` allows.
 */
const CLIENTS: Array<{ pkg: RegExp; allowed: (uses: CapabilityUses) => boolean; why: string }> = [
  { pkg: /^@aws-sdk\/(client-dynamodb|lib-dynamodb)$/, allowed: (u) => Object.keys(u.tables ?? {}).length > 0, why: 'tables' },
  { pkg: /^@aws-sdk\/client-sqs$/, allowed: (u) => Object.keys(u.queues ?? {}).length > 0, why: 'queues (send)' },
  {
    pkg: /^@aws-sdk\/(client-s3|s3-request-presigner)$/,
    allowed: (u) => Boolean(u.carMedia || u.rentalPhotos),
    why: 'carMedia or rentalPhotos',
  },
  { pkg: /^@aws-sdk\/client-cognito-identity-provider$/, allowed: (u) => Boolean(u.userPool), why: 'userPool' },
  { pkg: /^@aws-sdk\/client-sns$/, allowed: (u) => Boolean(u.notifications), why: 'notifications' },
  { pkg: /^@aws-sdk\/client-sesv2$/, allowed: (u) => Boolean(u.notifications || u.email), why: 'notifications or email' },
  // Redis AUTH, database credentials, gateway keys and the cursor-sealing key are the secrets a function may read.
  {
    pkg: /^@aws-sdk\/client-secrets-manager$/,
    allowed: (u) => Boolean(u.redis || u.database || u.paymentGateways || u.cursors),
    why: 'redis, database, paymentGateways or cursors',
  },
  { pkg: /^ioredis$/, allowed: (u) => Boolean(u.redis), why: 'redis' },
  { pkg: /^pg$/, allowed: (u) => Boolean(u.database), why: 'database' },
  { pkg: /^(stripe|@paypal\/paypal-server-sdk)$/, allowed: (u) => Boolean(u.paymentGateways), why: 'paymentGateways' },
];

describe('function bundles import only the clients their capability uses', () => {
  it.each(functions)('%s', async (id, def) => {
    const packages = (await bundleOf(id, def.entry)).reaches;
    const forbidden = [...packages].flatMap((pkg) => {
      const rule = CLIENTS.find((c) => c.pkg.test(pkg));
      return rule && !rule.allowed(def.uses) ? [`${pkg} (only with ${rule.why})`] : [];
    });
    expect(forbidden).toEqual([]);
  });
});

/**
 * Clients that only some paths need (the first secret read, a notification, a photo) are imported on
 * first use: a static import would load them at every cold start.
 */
const ON_FIRST_USE = /^@aws-sdk\/(client-secrets-manager|client-sns|client-sesv2|client-s3|s3-request-presigner)$/;

describe('function bundles load path-specific clients on first use, not at init', () => {
  it.each(functions)('%s', async (id, def) => {
    const { metafile } = await bundleOf(id, def.entry);
    const atInit = Object.values(metafile.outputs)
      .flatMap((output) => output.imports)
      .filter((i) => i.external && i.kind === 'import-statement' && ON_FIRST_USE.test(i.path))
      .map((i) => i.path);
    expect(atInit).toEqual([]);
  });
});

/**
 * Schemas are zod/mini (lambdas/shared/zod.ts). An `import 'zod'` brings zod classic back (~90 KB), and a
 * `z.core.…` or `z.locales.…` access keeps every locale (~300 KB): neither may reach a function.
 */
const HEAVY_ZOD = /node_modules\/zod\/v4\/(classic\/|locales\/(?!en\.js|index\.js))/;

describe('function bundles carry zod/mini with its English messages only', () => {
  it.each(functions)('%s', async (id, def) => {
    const { outputs } = (await bundleOf(id, def.entry)).metafile;
    const output = Object.values(outputs).find((o) => o.entryPoint)!;
    const heavy = Object.entries(output.inputs).filter(([file, input]) => HEAVY_ZOD.test(file) && input.bytesInOutput > 0);
    expect(heavy.map(([file]) => file)).toEqual([]);
  });
});

/** Every sidecar a bundle requires is one its capability's `uses` gives it (lib/bundling/sidecars.ts; the rest in sidecars.test.ts). */
describe('sidecars', () => {
  it.each(functions)('%s ships every sidecar its bundle requires', async (id, def) => {
    const required = (await bundleOf(id, def.entry)).sidecars.map((s) => s.name).sort();
    expect(required.filter((name) => !sidecarsOf(def.uses).includes(name))).toEqual([]);
  });
});

/**
 * Every bundle starts with only the environment the stack gives it: a fresh node process imports the
 * minified bundle with the variables its `uses` implies (and AWS_LAMBDA_FUNCTION_NAME, so the
 * cold-start environment check runs). A module that reads a variable its capability does not declare
 * at init would fail every cold start in AWS, while the local runtime, which sets everything, hides it.
 * Nothing is timed here (bench:cold-start does that).
 */
describe('function bundles start with the environment the stack sets', () => {
  it.each(functions)(
    '%s',
    async (id, def) => {
      const { file } = await bundleOf(id, def.entry);
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
