// A jest transform for ESM-only packages that ts-jest cannot turn into CommonJS because they use
// `import.meta` (node-pg-migrate): esbuild converts the module and maps import.meta.dirname/filename to
// their CommonJS equivalents. Tests only; the app itself loads these packages as ESM (tsx, Lambda bundles).
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: 'js',
      format: 'cjs',
      target: 'node20',
      sourcefile: filename,
      sourcemap: 'external',
      define: { 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' },
    });
    return { code, map };
  },
};
