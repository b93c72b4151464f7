import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { BUNDLE_FILE, BUNDLE_SETTINGS, esbuildOptions } from '../../lib/bundling/bundle-settings';
import { SIDECARS, sidecarFile, sidecarHooks, type SidecarName } from '../../lib/bundling/sidecars';
import { FUNCTION_DEFAULTS } from '../../lib/constructs/capability-function';

/**
 * Sidecars (lib/bundling/sidecars.ts) ship beside index.js only where the CDK hooks put them, so: every
 * sidecar a bundle requires is one its capability's `uses` gives it (bundles.test.ts), each specifier is written only in its
 * entry's directory (it is matched as written), a sidecar holds no code of ours, and the hook command
 * builds a file that loads.
 */
const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });

describe('sidecars', () => {
  it('the stack bundles CommonJS, as the settings the benchmark and tests use say', () => {
    expect(FUNCTION_DEFAULTS.bundling.format).toBe(BUNDLE_SETTINGS.format);
  });

  it('each specifier is written only beside its entry, so it always means that module', () => {
    const files = sourceFiles(path.join(ROOT, 'lambdas')).map((file) => [file, readFileSync(file, 'utf8')] as const);
    for (const { specifier, entry } of Object.values(SIDECARS)) {
      const importers = files.filter(([, text]) => text.includes(`'${specifier}'`)).map(([file]) => path.relative(ROOT, file));
      expect(importers.length).toBeGreaterThan(0);
      expect(importers.filter((file) => path.dirname(file) !== path.dirname(entry))).toEqual([]);
    }
  });

  it('each holds third-party code only (a class of ours on both sides would be two classes)', async () => {
    for (const { entry } of Object.values(SIDECARS)) {
      const { metafile } = await build({
        ...esbuildOptions(entry, path.join(ROOT, '.cold-start', 'memory', 'sidecar.js')),
        write: false,
        metafile: true,
      });
      const ours = Object.keys(metafile.inputs).filter((input) => !input.includes('node_modules/') && input !== entry);
      expect({ entry, ours }).toEqual({ entry, ours: [] });
    }
  });

  it('the afterBundling hook writes a sidecar that loads, into a path a shell would expand', async () => {
    const dir = path.join(await mkdtemp(path.join(ROOT, '.sidecar-test-')), "asset $HOME `x` it's");
    try {
      await mkdir(dir);
      const name: SidecarName = 'pg';
      const [command] = sidecarHooks([name]).commandHooks!.afterBundling(ROOT, dir);
      // Not a function's asset directory (no index.js): the hook fails rather than ship nothing.
      await expect(run('bash', ['-c', command], { cwd: ROOT })).rejects.toMatchObject({ code: 2 });
      await writeFile(path.join(dir, BUNDLE_FILE), '');
      await run('bash', ['-c', command], { cwd: ROOT });
      const pg = createRequire(__filename)(path.join(dir, sidecarFile(name))) as { default: { Pool: unknown } };
      expect(typeof pg.default.Pool).toBe('function');
    } finally {
      await rm(path.dirname(dir), { recursive: true, force: true });
    }
  }, 60_000);
});
