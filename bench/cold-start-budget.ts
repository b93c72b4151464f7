import type { FunctionBundle } from './function-bundle';

/**
 * The cold-start budget of every function, in one place: `npm run bench:cold-start` exits non-zero
 * when a function breaks it, and test/infra/bundle-size.test.ts fails when a bundle is over its size
 * (sizes are deterministic; timings are only ever checked by the benchmark, never by a test).
 *
 * KB are 1,000 bytes of the minified index.mjs the stack ships (bench/function-bundle.ts). The init
 * ratio is the median, over paired runs in fresh node processes, of the function's import time over
 * that of a baseline that only imports @aws-sdk/client-dynamodb.
 */
export const COLD_START_BUDGET = {
  maxBundleKB: 250,
  maxInitRatio: 1.5,
} as const;

/**
 * TEMPORARY, while the runtime schemas use zod's classic API (every schema carries every method, about
 * 100 KB): a bundle that still contains it may be over by its zod bytes less the ~20 KB zod/mini takes.
 * The schemas move to zod/mini on their own branch; once none of the bundles contains zod classic this
 * allowance applies to none, and it should be deleted.
 */
export const ZOD_MINI_KB = 20;
const zodClassicAllowanceKB = (bundle: Pick<FunctionBundle, 'metafile'>): number => {
  const inputs = Object.values(bundle.metafile.outputs).flatMap((output) => Object.entries(output.inputs));
  if (!inputs.some(([file]) => file.includes('node_modules/zod/v4/classic/'))) return 0;
  const zodBytes = inputs.filter(([file]) => file.includes('node_modules/zod/')).reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
  return Math.max(0, Math.ceil(zodBytes / 1000 - ZOD_MINI_KB));
};

/**
 * Functions allowed past the size budget, each with its figure (without zod classic) and why. Keep this
 * list short and the figures tight: it is a ratchet (lower a figure when a bundle shrinks), not a place
 * to park growth. The init budget has no exceptions.
 */
/** pg is CommonJS (nothing shaken out): wire protocol, pool, SASL authentication, its native-binding shim. */
const PG = 'pg with pg-pool and pg-protocol (~90 KB), the PostgreSQL driver of the payments database';
/**
 * The gateway SDKs are bundled but imported on first use in live mode only (lambdas/adapters/payments):
 * in sandbox mode, and at every cold start, V8 only pre-parses their bytes and never runs them. Keeping
 * them out of index.mjs would need them shipped beside it (CDK `nodeModules`), which is not done yet.
 */
const GATEWAYS = `the Stripe and PayPal SDKs with axios and form-data (~630 KB, loaded lazily, live mode only); ${PG}`;

export const SIZE_EXCEPTIONS: Record<string, { maxBundleKB: number; why: string }> = {
  health: { maxBundleKB: 275, why: `the deep health check pings PostgreSQL: ${PG}` },
  readPayments: { maxBundleKB: 300, why: PG },
  payForReservation: { maxBundleKB: 1125, why: GATEWAYS },
  refundPayment: { maxBundleKB: 1090, why: GATEWAYS },
  relayPayments: { maxBundleKB: 1105, why: GATEWAYS },
  refundCancellations: { maxBundleKB: 1085, why: GATEWAYS },
};

/** The budget of one function; with its bundle, the temporary zod classic allowance is added. */
export const budgetOf = (id: string, bundle?: Pick<FunctionBundle, 'metafile'>) => {
  const exception = SIZE_EXCEPTIONS[id];
  return {
    maxBundleKB: (exception?.maxBundleKB ?? COLD_START_BUDGET.maxBundleKB) + (bundle ? zodClassicAllowanceKB(bundle) : 0),
    maxInitRatio: COLD_START_BUDGET.maxInitRatio,
    exception,
  };
};
