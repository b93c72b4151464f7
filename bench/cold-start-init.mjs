// One cold start: a fresh node process loads a function bundle (argv[2]) as the Lambda runtime does (by
// extension: an .mjs is imported, a CommonJS .js is required) and reports how long that took (module
// loading and top-level code, what Lambda's Init phase runs) and the peak RSS. Given an event file
// (argv[3]), it then invokes the handler once with that event and reports `firstMs` too: init plus the
// first invocation, from the same start, which is what the first caller waits for (a dependency loaded
// on first use moves its cost from init into it). The answer's status, or the error thrown, goes with it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const MARKER = 'cold-start-report ';
const safeJson = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
const [file, eventFile] = process.argv.slice(2);
const start = performance.now();
const mod = file.endsWith('.mjs') ? await import(pathToFileURL(file).href) : createRequire(import.meta.url)(file);
const ms = performance.now() - start;
if (typeof mod.handler !== 'function') {
  console.error(`${file} exports no handler`);
  process.exit(2);
}
const report = { ms, maxRssKb: 0 };
if (eventFile) {
  const event = JSON.parse(readFileSync(eventFile, 'utf8'));
  const deadline = Date.now() + 30_000;
  const context = {
    callbackWaitsForEmptyEventLoop: false,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'cold-start-bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:cold-start-bench',
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '512',
    awsRequestId: crypto.randomUUID(),
    logGroupName: '/aws/lambda/cold-start-bench',
    logStreamName: 'cold-start',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await mod.handler(event, context);
    report.status = typeof result?.statusCode === 'number' ? result.statusCode : undefined;
    if (report.status >= 500) report.body = String(result.body).slice(0, 300);
    // For a 4xx, its error code: a NOT_FOUND reached the data, a VALIDATION_ERROR did not.
    else if (report.status >= 400) report.code = safeJson(result.body)?.error?.code;
  } catch (error) {
    report.error = String(error?.stack ?? error).slice(0, 500);
  }
  report.firstMs = performance.now() - start;
}
report.maxRssKb = process.resourceUsage().maxRSS;
// The function may log to stdout too: the report is the line after the marker.
process.stdout.write(`\n${MARKER}${JSON.stringify(report)}\n`);
// Open sockets (a keep-alive agent, a pool) would keep the process alive: Lambda freezes it instead.
process.exit(0);
