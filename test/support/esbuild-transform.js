// The jest transform: esbuild turns each TypeScript file (and each ESM-only package: @middy/core, otplib, ...)
// into CommonJS, one file at a time, with no type-checking (tsc does that in CI). It is several times faster
// than ts-jest on a clean cache, which CI always starts with. import.meta (node-pg-migrate) is mapped to its
// CommonJS equivalents. The tests use no jest.mock, whose hoisting esbuild would not do.
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { transformSync, version } = require('esbuild');

const OWN = createHash('sha1').update(readFileSync(__filename)).update(version).digest('hex');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: filename.endsWith('.ts') ? 'ts' : 'js',
      format: 'cjs',
      target: 'node20',
      sourcefile: filename,
      sourcemap: 'external',
      // import() becomes a require in a promise, as jest's CommonJS runtime needs (as tsc's commonjs output has it).
      supported: { 'dynamic-import': false },
      // As tsconfig.json's target (ES2022) has it: class fields are defined, not assigned.
      tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
      define: { 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' },
    });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return createHash('sha1').update(OWN).update(filename).update('\0').update(source).digest('hex');
  },
};
