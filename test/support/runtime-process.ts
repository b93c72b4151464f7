import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * The real `npm start` entry point in a child process, as a user runs it: the e2e global setup starts
 * one for every e2e file, and a file that must move the runtime's clock by days starts its own.
 */
const ROOT = path.resolve(__dirname, '../..');
const STARTUP_TIMEOUT_MS = 90_000;

export interface RuntimeProcess {
  /** Base URL, …/v1. */
  url: string;
  child: ChildProcess;
}

/** `env` adds to or overrides the runtime's environment (e.g. PER_IP_LIMITS). */
export const startRuntimeProcess = async (env: Record<string, string> = {}): Promise<RuntimeProcess> => {
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'bin/local.ts'], {
    cwd: ROOT,
    // The suites sign in hundreds of users from 127.0.0.1: the per-IP limits are off unless a test asks.
    env: { ...process.env, PORT: '0', ACCESS_LOG: 'false', PER_IP_LIMITS: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local runtime not ready in time:\n${output}`)), STARTUP_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /API\s+(http:\/\/\S+\/v1)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local runtime exited (${code}) before it was ready:\n${output}`));
    });
  });
  return { url, child };
};

/**
 * Starts a runtime of the calling file's own and points the e2e API client (E2E_API_URL) at it. The
 * shared runtime's address is withdrawn first: when the start fails, jest still runs the file's nested
 * beforeAll hooks, and one that moves the clock must then find no runtime, never the shared one.
 * `start` is there for the test of this rule.
 */
export const switchToOwnRuntime = async (
  env: Record<string, string> = {},
  start: typeof startRuntimeProcess = startRuntimeProcess,
): Promise<RuntimeProcess> => {
  delete process.env.E2E_API_URL;
  const own = await start(env);
  process.env.E2E_API_URL = own.url;
  return own;
};

/** Stops it the way a user does: Ctrl-C (SIGINT), then SIGKILL if it hangs. */
export const stopRuntimeProcess = async (child: ChildProcess | undefined): Promise<void> => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
};
