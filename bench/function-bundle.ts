import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import type { CapabilityDefinition } from '../lambdas/capabilities';
import { encodeRequirements, requiredEnvironment } from '../lambdas/capabilities/environment';
import { ENV } from '../lambdas/shared/env-names';
import { BUNDLE_FILE, esbuildOptions } from '../lib/bundling/bundle-settings';
import { SIDECARS, sidecarFile, type SidecarName } from '../lib/bundling/sidecars';
import { projectRoot } from '../lib/config';

/**
 * One function bundled exactly as the stack bundles it: with lib/bundling/bundle-settings.ts (the settings
 * FUNCTION_DEFAULTS spreads, as aws-lambda-nodejs passes them to esbuild: minified CommonJS for node22, the
 * AWS SDK external, an external source map), plus its sidecars. The cold-start benchmark and the infra
 * tests read sizes and packages from here, so they measure what `cdk synth` ships without synthesizing
 * the whole stack.
 */
export interface FunctionBundle {
  /** Where the bundle was written (or would be, for an in-memory build). */
  file: string;
  /** Bytes of the minified bundle (what Node.js parses at cold start; the .map is not loaded). */
  bytes: number;
  /** Bytes of the output by npm package (`(app)` for the project's own code), largest first. */
  packages: Array<{ name: string; bytes: number }>;
  /** The sidecars index.js requires (lib/bundling/sidecars.ts), written beside it, with their sizes. */
  sidecars: Array<{ name: SidecarName; bytes: number }>;
  /** Every package the bundle reaches: bundled ones, its sidecars' and external imports (the AWS SDK clients). */
  reaches: Set<string>;
  metafile: Metafile;
}

const packageOf = (file: string): string | undefined => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];
const externalPackage = (specifier: string): string =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

const buildOne = async (entry: string, file: string, write: boolean) => {
  const result = await build({ ...esbuildOptions(entry, file), write, metafile: true });
  const [, output] = Object.entries(result.metafile.outputs).find(([out]) => out.endsWith(path.basename(file)))!;
  return { result, output };
};

/** The sidecar whose specifier an external import is, if any. */
const sidecarOf = (specifier: string): SidecarName | undefined =>
  (Object.keys(SIDECARS) as SidecarName[]).find((name) => SIDECARS[name].specifier === specifier);

/**
 * Bundles `entry` (a path from the project root) into `outdir/index.js` (in memory when no outdir), with
 * the sidecars it requires beside it, as the CDK hooks write them.
 */
export const bundleFunction = async (entry: string, outdir?: string): Promise<FunctionBundle> => {
  const dir = outdir ?? path.join(projectRoot, '.cold-start', 'memory');
  const file = path.join(dir, BUNDLE_FILE);
  const { result, output } = await buildOne(entry, file, outdir !== undefined);
  const byPackage = new Map<string, number>();
  const reaches = new Set<string>();
  for (const [file, input] of Object.entries(output.inputs)) {
    const name = packageOf(file) ?? '(app)';
    byPackage.set(name, (byPackage.get(name) ?? 0) + input.bytesInOutput);
  }
  const sidecars: FunctionBundle['sidecars'] = [];
  const visit = (inputs: Metafile['inputs']) => {
    for (const [input, { imports }] of Object.entries(inputs)) {
      const name = packageOf(input);
      if (name) reaches.add(name);
      for (const imported of imports) {
        if (!imported.external) continue;
        const sidecar = sidecarOf(imported.path);
        if (!sidecar) reaches.add(externalPackage(imported.path));
        else if (!sidecars.some((s) => s.name === sidecar)) sidecars.push({ name: sidecar, bytes: 0 });
      }
    }
  };
  visit(result.metafile.inputs);
  // What a sidecar reaches, the function reaches (on first use): the import rules see through it.
  for (const sidecar of sidecars) {
    const built = await buildOne(SIDECARS[sidecar.name].entry, path.join(dir, sidecarFile(sidecar.name)), outdir !== undefined);
    sidecar.bytes = built.output.bytes;
    visit(built.result.metafile.inputs);
  }
  return {
    file,
    sidecars,
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
    [ENV.requiredEnvironment]: encodeRequirements(def.uses),
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
