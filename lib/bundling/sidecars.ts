/**
 * Sidecars: modules a function loads on first use only, shipped as files of their own beside its
 * index.js instead of inside it. Every byte of index.js is read and pre-parsed at each cold start, even
 * code that never runs; a sidecar's bytes are read only by the request that needs them.
 *
 * In the source a sidecar is an ordinary import of a relative path (`await import('./pg-driver')`, or a static
 * import in a module that is itself loaded lazily, as the payment gateways are).
 * The bundler marks that path external (FUNCTION_DEFAULTS.bundling.externalModules) and turns import()
 * into require() (`--supported:dynamic-import=false`), so in Lambda it resolves beside index.js, where a
 * CDK afterBundling hook wrote the sidecar (`npx tsx lib/bundling/build-sidecar.ts <name> <dir>`). Tests
 * and the local runtime run the sources, where the same import is the TypeScript file. The specifier is
 * matched as written, so it is written only in its entry's directory (test/infra/sidecars.test.ts checks it).
 *
 * A sidecar holds third-party code only: a class of ours bundled on both sides would be two classes, and
 * `instanceof` across them would fail.
 */
import type { ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { CapabilityUses } from '../../lambdas/capabilities';

export interface Sidecar {
  /** The import path as written in the source, and the file's path beside index.js (plus `.js`). */
  specifier: string;
  /** The module bundled into it, from the project root. */
  entry: string;
  why: string;
}

export const SIDECARS = {
  pg: {
    specifier: './pg-driver',
    entry: 'lambdas/adapters/pg-driver.ts',
    why: 'pg (~90 KB of CommonJS) is needed by the first PostgreSQL query, not at init',
  },
  redis: {
    specifier: './redis-driver',
    entry: 'lambdas/adapters/redis-driver.ts',
    why: 'ioredis (~150 KB with its Cluster, Sentinel and command table) is needed by the first Redis command, not at init',
  },
  paymentSdks: {
    specifier: './payment-sdks',
    entry: 'lambdas/adapters/payments/gateways/payment-sdks.ts',
    why: 'the Stripe and PayPal SDKs (~785 KB) are loaded in live payment mode only, on the first charge or refund',
  },
} satisfies Record<string, Sidecar>;

export type SidecarName = keyof typeof SIDECARS;

/** The sidecars a capability's code can load, from what it uses. */
export const sidecarsOf = (uses: Pick<CapabilityUses, 'database' | 'redis' | 'paymentGateways'>): SidecarName[] => [
  ...(uses.database ? (['pg'] as const) : []),
  ...(uses.redis ? (['redis'] as const) : []),
  ...(uses.paymentGateways ? (['paymentSdks'] as const) : []),
];

/** Where a sidecar goes in a function's asset directory. */
export const sidecarFile = (name: SidecarName): string => `${SIDECARS[name].specifier.replace(/^\.\//, '')}.js`;

/** A command for the POSIX shell CDK runs hooks in: each word single-quoted, so `$`, backquotes and spaces stay as they are. */
export const shellCommand = (words: string[]): string => words.map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');

/**
 * The aws-lambda-nodejs hooks that write these sidecars beside a function's index.js, after `extra`
 * (a function's own afterBundling commands); none when there are no sidecars and nothing extra.
 */
export const sidecarHooks = (names: SidecarName[], extra?: ICommandHooks['afterBundling']): { commandHooks?: ICommandHooks } =>
  names.length === 0 && !extra
    ? {}
    : {
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            ...(extra?.(inputDir, outputDir) ?? []),
            ...names.map((name) =>
              shellCommand([`${inputDir}/node_modules/.bin/tsx`, `${inputDir}/lib/bundling/build-sidecar.ts`, name, outputDir]),
            ),
          ],
        },
      };
