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
 * Functions allowed past the size budget, each with its figure and why. Keep this list short and
 * the figures tight: it is a ratchet (lower a figure when a bundle shrinks), not a place to park growth.
 * The init budget has no exceptions.
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
  health: { maxBundleKB: 290, why: `the deep health check pings PostgreSQL (${PG}) and Cognito (GetUser)` },
  openapi: {
    maxBundleKB: 252,
    why: "builds the document from every route of every area (all request and response schemas) with zod's JSON Schema converter (~60 KB of zod)",
  },
  readPayments: { maxBundleKB: 320, why: PG },
  payForReservation: { maxBundleKB: 1145, why: GATEWAYS },
  refundPayment: { maxBundleKB: 1110, why: GATEWAYS },
  relayPayments: { maxBundleKB: 1100, why: GATEWAYS },
  refundCancellations: { maxBundleKB: 1090, why: GATEWAYS },
};

export const budgetOf = (id: string) => {
  const exception = SIZE_EXCEPTIONS[id];
  return {
    maxBundleKB: exception?.maxBundleKB ?? COLD_START_BUDGET.maxBundleKB,
    maxInitRatio: COLD_START_BUDGET.maxInitRatio,
    exception,
  };
};
