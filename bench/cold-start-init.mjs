// One cold start: a fresh node process imports a function bundle (argv[2]) and reports how long the
// import took (module loading and top-level code, what Lambda's Init phase runs) and the peak RSS.
import { pathToFileURL } from 'node:url';

const start = performance.now();
const mod = await import(pathToFileURL(process.argv[2]).href);
const ms = performance.now() - start;
if (typeof mod.handler !== 'function') {
  console.error(`${process.argv[2]} exports no handler`);
  process.exit(2);
}
process.stdout.write(JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS }));
