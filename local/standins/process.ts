import type { ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';

/**
 * Helpers shared by the stand-ins that run as child processes (DynamoDB Local, fauxqs) or poll until
 * a server answers. The rule they enforce: a stand-in never outlives the process that started it.
 */

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `probe` until it resolves, or fails with the last error after `timeoutMs`. `abort` lets a
 * caller stop early (e.g. the child process already died) with a better error than a timeout.
 */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  opts: { timeoutMs: number; intervalMs?: number; what: string; abort?: () => Error | undefined },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const aborted = opts.abort?.();
    if (aborted) throw aborted;
    try {
      return await probe();
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`${opts.what} did not become ready within ${opts.timeoutMs} ms (last error: ${reason})`);
    }
    await sleep(opts.intervalMs ?? 100);
  }
}

/** Keeps the last few KB a child wrote, for error messages, and drains its pipes so it never blocks. */
export function captureOutput(child: ChildProcess, maxChars = 4000): () => string {
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-maxChars);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => output;
}

/**
 * Ties a child's life to ours. Returns `stop`, which asks it to end, escalates to SIGKILL after
 * `graceMs`, and resolves once it is gone; safe to call more than once. Should we end without calling
 * stop, the child is killed too: see `track`.
 */
export function superviseChild(child: ChildProcess, graceMs = 3000): () => Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  track(child, exited);

  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
  };
}

/**
 * Live children, and the hooks that end them with us. `exit` covers a normal end, an uncaught error,
 * or process.exit (a test runner ending); it must be synchronous, hence SIGKILL. Node's default
 * handling of SIGINT/SIGTERM/SIGHUP skips `exit` hooks, so those signals are watched too: the
 * children get SIGTERM, and if nobody else handles the signal it is re-raised so we still die of it.
 * (The Node runners also exit when their stdin closes, which covers even SIGKILL of this process;
 * the JVM cannot, so this matters most for DynamoDB Local.)
 */
const live = new Set<ChildProcess>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function killAll(signal: NodeJS.Signals): void {
  for (const child of live) child.kill(signal);
}
const onExit = () => killAll('SIGKILL');
const onSignal = (signal: NodeJS.Signals) => {
  killAll('SIGTERM');
  if (process.listenerCount(signal) === 1) {
    unhook();
    process.kill(process.pid, signal);
  }
};
function unhook(): void {
  process.off('exit', onExit);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

function track(child: ChildProcess, exited: Promise<void>): void {
  if (live.size === 0) {
    process.on('exit', onExit);
    for (const signal of SIGNALS) process.on(signal, onSignal);
  }
  live.add(child);
  void exited.then(() => {
    live.delete(child);
    if (live.size === 0) unhook();
  });
}

/** Whether a process with this pid still exists (signal 0 only checks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A port that was free a moment ago, for servers that cannot listen on port 0 and report back. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
