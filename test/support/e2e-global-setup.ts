import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * End-to-end tests run against the real `npm start` entry point in a child process, as a user would,
 * started once for every e2e file. Its URL reaches the test files through E2E_API_URL.
 */
const ROOT = path.resolve(__dirname, '../..');
const STARTUP_TIMEOUT_MS = 90_000;

declare global {
  var __LOCAL_RUNTIME__: ChildProcess | undefined;
}

export default async function setup(): Promise<void> {
  if (process.env.E2E_API_URL) return; // pointed at a runtime that is already up
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'bin/local.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', ACCESS_LOG: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  globalThis.__LOCAL_RUNTIME__ = child;
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
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local runtime exited (${code}) before it was ready:\n${output}`));
    });
  });
  process.env.E2E_API_URL = url;
}
