import path from 'node:path';
import type { BuildOptions } from 'esbuild';
import { SIDECARS } from './sidecars';

/**
 * How every function is bundled, in aws-lambda-nodejs' terms (FUNCTION_DEFAULTS.bundling spreads it) and,
 * through `esbuildOptions`, in esbuild's: the benchmark, the infra tests and the sidecar builder use the
 * latter, so what they measure or build is what `cdk synth` ships. Every byte of index.js is read and
 * compiled at each cold start, so these serve the budget in bench/cold-start-budget.ts.
 */
export const BUNDLE_SETTINGS = {
  // CommonJS, so the runtime's AWS SDK (CommonJS too) is loaded with require(). An ESM bundle imports it
  // through Node's ESM-to-CommonJS bridge, which lexes each client's whole dist-cjs for its export names:
  // that nearly doubled the SDK's load time (one DynamoDB client 123 ms imported, 68 ms required on Node 20;
  // 113 and 73 ms on Node 22). Our sources stay ESM, so esbuild still tree-shakes them.
  format: 'cjs',
  // Whitespace, syntax and identifiers: about a third of the bytes. Stack traces stay readable through the map.
  minify: true,
  // A map beside the bundle, for --enable-source-maps. Without the sources embedded it is about a third
  // the size, and Node.js reads and parses it at every cold start; the trade-off: a trace shows file,
  // line and name but not the source text, which is in the repository at the deployed version.
  sourceMap: true,
  sourcesContent: false,
  target: 'node22',
  // ESM builds first: they tree-shake (unused exports are dropped); CommonJS packages come in whole.
  mainFields: ['module', 'main'],
  // The AWS SDK is provided by the Node.js 22 runtime; sidecars ship beside index.js (./sidecars.ts).
  externalModules: ['@aws-sdk/*', ...Object.values(SIDECARS).map((s) => s.specifier)],
  esbuildArgs: {
    // Licence headers are not code; the packages' licences are in package-lock.json and node_modules.
    '--legal-comments': 'none',
    // import() becomes require(): a lazily loaded SDK client or sidecar then skips the ESM bridge too.
    '--supported:dynamic-import': 'false',
  },
} as const;

const ROOT = path.resolve(__dirname, '../..');

/** `esbuildArgs` (CLI flags, as CDK passes them) as esbuild options; an unknown flag fails. */
const fromFlags = (args: Record<string, string>): Pick<BuildOptions, 'legalComments' | 'supported'> =>
  Object.entries(args).reduce<Pick<BuildOptions, 'legalComments' | 'supported'>>((options, [flag, value]) => {
    if (flag === '--legal-comments') return { ...options, legalComments: value as BuildOptions['legalComments'] };
    const [name, key] = flag.split(':');
    if (name === '--supported' && key) return { ...options, supported: { ...options.supported, [key]: value === 'true' } };
    throw new Error(`lib/bundling/bundle-settings.ts does not translate the esbuild flag ${flag}: add it here too`);
  }, {});

/** The file aws-lambda-nodejs writes, and the runtime loads by its extension. */
export const BUNDLE_FILE = 'index.js';

/** BUNDLE_SETTINGS as esbuild options, the way aws-lambda-nodejs passes them, for `entry` (from the project root). */
export const esbuildOptions = (entry: string, outfile: string): BuildOptions => ({
  absWorkingDir: ROOT, // as CDK runs esbuild: in the project root
  entryPoints: [path.join(ROOT, entry)],
  bundle: true,
  platform: 'node',
  format: BUNDLE_SETTINGS.format,
  target: BUNDLE_SETTINGS.target,
  minify: BUNDLE_SETTINGS.minify,
  sourcemap: BUNDLE_SETTINGS.sourceMap,
  sourcesContent: BUNDLE_SETTINGS.sourcesContent,
  mainFields: [...BUNDLE_SETTINGS.mainFields],
  ...fromFlags(BUNDLE_SETTINGS.esbuildArgs),
  external: [...BUNDLE_SETTINGS.externalModules],
  outfile,
  logLevel: 'silent',
});
