/**
 * `npm run bench:record -- <search|booking|mixed|payments|cold-start>` runs that benchmark as its npm script
 * does, shows its output as it comes, and writes it to bench/results/<name>.md with when it ran, on what
 * (Node.js, CPUs) and the machine's load average before and after: figures in docs/performance.md are
 * quoted from these files, never typed by hand, so each says when and under what load it was measured.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';

export const BENCHES = ['search', 'booking', 'mixed', 'payments', 'cold-start'] as const;

export interface RecordedRun {
  name: string;
  startedAt: Date;
  seconds: number;
  node: string;
  cpus: string;
  loadBefore: number[];
  loadAfter: number[];
  exitCode: number;
  output: string;
}

const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');

/** The results file's text: a header saying when, on what and under what load, then the output as printed. */
export const resultsFile = (run: RecordedRun): string =>
  [
    `# bench:${run.name}, ${run.startedAt.toISOString()}`,
    '',
    `Written by \`npm run bench:record -- ${run.name}\`; do not edit. Node.js ${run.node}, ${run.cpus}.`,
    `Load average (1 / 5 / 15 min): ${load(run.loadBefore)} before, ${load(run.loadAfter)} after; ` +
      `${run.seconds.toFixed(0)} s, exit code ${run.exitCode}.`,
    '',
    '```',
    run.output.trimEnd(),
    '```',
    '',
  ].join('\n');

const main = async () => {
  const name = process.argv[2] as (typeof BENCHES)[number];
  if (!BENCHES.includes(name)) {
    console.error(`usage: npm run bench:record -- <${BENCHES.join('|')}>`);
    process.exit(2);
  }
  const startedAt = new Date();
  const loadBefore = loadavg();
  let output = '';
  const exitCode = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [join(__dirname, '../node_modules/tsx/dist/cli.mjs'), join(__dirname, `${name}.ts`)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      output += chunk.toString();
    });
    child.once('exit', (code) => resolve(code ?? 1));
  });
  const file = join(__dirname, 'results', `${name}.md`);
  writeFileSync(
    file,
    resultsFile({
      name,
      startedAt,
      seconds: (Date.now() - startedAt.getTime()) / 1000,
      node: process.version,
      cpus: `${availableParallelism()} x ${cpus()[0]?.model ?? 'unknown CPU'}`,
      loadBefore,
      loadAfter: loadavg(),
      exitCode,
      output,
    }),
  );
  console.log(`\nrecorded in ${file}`);
  process.exit(exitCode);
};

if (require.main === module) void main();
