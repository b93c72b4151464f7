/**
 * `npx tsx lib/bundling/build-sidecar.ts <name> <asset dir>`: bundles one sidecar (./sidecars.ts) beside a
 * function's index.js, with the function's own settings. CDK runs it as an afterBundling hook.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_FILE, esbuildOptions } from './bundle-settings';
import { SIDECARS, sidecarFile, type SidecarName } from './sidecars';

const [name, outdir] = process.argv.slice(2) as [SidecarName, string];
if (!(name in SIDECARS) || !outdir) {
  console.error(`usage: build-sidecar <${Object.keys(SIDECARS).join('|')}> <asset dir>`);
  process.exit(2);
}
// The asset directory already holds the function's bundle: anything else is a wrong path (say, a shell
// expansion), and the asset would ship without its sidecar.
if (!existsSync(path.join(outdir, BUNDLE_FILE))) {
  console.error(`build-sidecar: ${outdir} has no ${BUNDLE_FILE}: not a function's asset directory`);
  process.exit(2);
}
build(esbuildOptions(SIDECARS[name].entry, path.join(outdir, sidecarFile(name)))).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
