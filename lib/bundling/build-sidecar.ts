/**
 * `npx tsx lib/bundling/build-sidecar.ts <name> <asset dir>`: bundles one sidecar (./sidecars.ts) beside a
 * function's index.js, with the function's own settings. CDK runs it as an afterBundling hook.
 */
import path from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions } from './bundle-settings';
import { SIDECARS, sidecarFile, type SidecarName } from './sidecars';

const [name, outdir] = process.argv.slice(2) as [SidecarName, string];
if (!(name in SIDECARS) || !outdir) {
  console.error(`usage: build-sidecar <${Object.keys(SIDECARS).join('|')}> <asset dir>`);
  process.exit(2);
}
build(esbuildOptions(SIDECARS[name].entry, path.join(outdir, sidecarFile(name)))).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
