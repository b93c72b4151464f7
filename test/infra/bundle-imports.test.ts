import { capabilityList, type CapabilityUses } from '../../lambdas/capabilities';
import { bundleFunction } from '../../bench/function-bundle';

/**
 * A function loads only the clients its capability uses (cold start: every module loaded at init is
 * paid by the user who waits). Each function's entry is bundled as the stack bundles it
 * (bench/function-bundle.ts: FUNCTION_DEFAULTS, AWS SDK external) and the packages it reaches are
 * checked against what its `uses` allows.
 */
const CLIENTS: Array<{ pkg: RegExp; allowed: (uses: CapabilityUses) => boolean; why: string }> = [
  { pkg: /^@aws-sdk\/(client-dynamodb|lib-dynamodb)$/, allowed: (u) => Object.keys(u.tables ?? {}).length > 0, why: 'tables' },
  { pkg: /^@aws-sdk\/client-sqs$/, allowed: (u) => Object.keys(u.queues ?? {}).length > 0, why: 'queues (send)' },
  { pkg: /^@aws-sdk\/(client-s3|s3-request-presigner)$/, allowed: (u) => Boolean(u.carMedia), why: 'carMedia' },
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

/**
 * Clients that only some paths need (the first secret read, a notification, a photo) are imported on
 * first use: a static import would load them at every cold start.
 */
const ON_FIRST_USE = /^@aws-sdk\/(client-secrets-manager|client-sns|client-sesv2|client-s3|s3-request-presigner)$/;

const bundles = new Map<string, ReturnType<typeof bundleFunction>>();
const bundleOf = (entry: string) => bundles.get(entry) ?? bundles.set(entry, bundleFunction(entry)).get(entry)!;

describe('function bundles import only the clients their capability uses', () => {
  const capabilities = capabilityList();

  it.each(capabilities.map(([id, def]) => [id, def] as const))('%s', async (_id, def) => {
    const packages = (await bundleOf(def.entry)).reaches;
    const forbidden = [...packages].flatMap((pkg) => {
      const rule = CLIENTS.find((c) => c.pkg.test(pkg));
      return rule && !rule.allowed(def.uses) ? [`${pkg} (only with ${rule.why})`] : [];
    });
    expect(forbidden).toEqual([]);
  });
});

describe('function bundles load path-specific clients on first use, not at init', () => {
  it.each(capabilityList().map(([id, def]) => [id, def] as const))('%s', async (_id, def) => {
    const { metafile } = await bundleOf(def.entry);
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
  it.each(capabilityList().map(([id, def]) => [id, def] as const))('%s', async (_id, def) => {
    const { outputs } = (await bundleOf(def.entry)).metafile;
    const output = Object.values(outputs).find((o) => o.entryPoint)!;
    const heavy = Object.entries(output.inputs).filter(([file, input]) => HEAVY_ZOD.test(file) && input.bytesInOutput > 0);
    expect(heavy.map(([file]) => file)).toEqual([]);
  });
});
