// One cold start: a fresh node process loads a function bundle (argv[2]) as the Lambda runtime does (by
// extension: an .mjs is imported, a CommonJS .js is required) and reports how long that took (module
// loading and top-level code, what Lambda's Init phase runs) and the peak RSS.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const file = process.argv[2];
const start = performance.now();
const mod = file.endsWith('.mjs') ? await import(pathToFileURL(file).href) : createRequire(import.meta.url)(file);
const ms = performance.now() - start;
if (typeof mod.handler !== 'function') {
  console.error(`${file} exports no handler`);
  process.exit(2);
}
process.stdout.write(JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS }));
