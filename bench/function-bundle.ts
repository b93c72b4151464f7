import path from 'node:path';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import type { CapabilityDefinition } from '../lambdas/capabilities';
import { requiredEnvironment } from '../lambdas/capabilities/environment';
import { ENV } from '../lambdas/shared/env-names';
import { FUNCTION_DEFAULTS } from '../lib/constructs/capability-function';
import { projectRoot } from '../lib/config';

/**
 * One function bundled exactly as the stack bundles it: the esbuild options below are FUNCTION_DEFAULTS'
 * `bundling` translated the way aws-lambda-nodejs passes them to esbuild (minified ESM for node22, the
 * require() banner, the AWS SDK external, an external source map). The cold-start benchmark and the
 * infra tests read sizes and packages from here, so they measure what `cdk synth` ships in `index.mjs`
 * without synthesizing the whole stack.
 */
export interface FunctionBundle {
  /** Bytes of the minified index.mjs (what Node.js parses at cold start; the .map is not loaded). */
  bytes: number;
  /** Bytes of the output by npm package (`(app)` for the project's own code), largest first. */
  packages: Array<{ name: string; bytes: number }>;
  /** Every package the bundle reaches: bundled ones and external imports (the AWS SDK clients). */
  reaches: Set<string>;
  metafile: Metafile;
}

const packageOf = (file: string): string | undefined => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];
const externalPackage = (specifier: string): string =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** FUNCTION_DEFAULTS' `esbuildArgs` (CLI flags, as CDK passes them) as esbuild options; an unknown flag fails. */
const esbuildArgs = (args: Record<string, string>): Pick<BuildOptions, 'legalComments' | 'alias'> =>
  Object.entries(args).reduce<Pick<BuildOptions, 'legalComments' | 'alias'>>((options, [flag, value]) => {
    if (flag === '--legal-comments') return { ...options, legalComments: value as BuildOptions['legalComments'] };
    if (flag === '--alias') {
      const [from, to] = value.split('=');
      return { ...options, alias: { ...options.alias, [from]: to } };
    }
    throw new Error(`bench/function-bundle.ts does not translate the esbuild flag ${flag}: add it here too`);
  }, {});

/** Bundles `entry` (a path from the project root) into `outdir/index.mjs` (or in memory when no outdir). */
export const bundleFunction = async (entry: string, outdir?: string): Promise<FunctionBundle> => {
  const b = FUNCTION_DEFAULTS.bundling;
  const result = await build({
    absWorkingDir: projectRoot, // CDK runs esbuild in the project root: the alias paths are relative to it
    entryPoints: [path.join(projectRoot, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: b.target,
    minify: b.minify,
    sourcemap: b.sourceMap,
    sourcesContent: b.sourcesContent,
    mainFields: b.mainFields,
    ...esbuildArgs(b.esbuildArgs),
    banner: { js: b.banner },
    external: b.externalModules,
    outfile: path.join(outdir ?? path.join(projectRoot, '.cold-start', 'memory'), 'index.mjs'),
    write: outdir !== undefined,
    metafile: true,
    logLevel: 'silent',
  });
  const [, output] = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('index.mjs'))!;
  const byPackage = new Map<string, number>();
  const reaches = new Set<string>();
  for (const [file, input] of Object.entries(output.inputs)) {
    const name = packageOf(file) ?? '(app)';
    byPackage.set(name, (byPackage.get(name) ?? 0) + input.bytesInOutput);
  }
  for (const [file, input] of Object.entries(result.metafile.inputs)) {
    const name = packageOf(file);
    if (name) reaches.add(name);
    for (const imported of input.imports) if (imported.external) reaches.add(externalPackage(imported.path));
  }
  return {
    bytes: output.bytes,
    packages: [...byPackage].map(([name, bytes]) => ({ name, bytes })).sort((x, y) => y.bytes - x.bytes),
    reaches,
    metafile: result.metafile,
  };
};

/**
 * The environment a deployed function starts with, as far as its code can tell: what the stack sets for
 * its `uses` (placeholder values, deployed endpoints rather than local URLs), and the Lambda runtime's
 * own variables, so Powertools and the cold-start check behave as in Lambda.
 */
export const environmentOf = (def: CapabilityDefinition): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: 'cold-start-bench',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(def.memoryMb ?? 512),
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    NODE_OPTIONS: '--enable-source-maps',
    POWERTOOLS_SERVICE_NAME: 'car-rental',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    [ENV.stage]: 'bench',
    [ENV.appVersion]: 'bench',
  };
  // The deployed alternative of each requirement (the last one: endpoint and secret, not a local URL).
  for (const anyOf of requiredEnvironment(def.uses)) env[anyOf[anyOf.length - 1]] = 'placeholder';
  if (def.uses.redis)
    Object.assign(env, {
      [ENV.redisHost]: 'redis.invalid',
      [ENV.redisPort]: '6379',
      [ENV.redisAuthSecretArn]: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:redis',
    });
  if (def.uses.database)
    Object.assign(env, {
      [ENV.dbProxyEndpoint]: 'db.invalid',
      [ENV.dbSecretArn]: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:db',
      [ENV.dbName]: 'payments',
    });
  if (def.uses.paymentGateways) env[ENV.paymentGatewayMode] = 'sandbox';
  return env;
};
