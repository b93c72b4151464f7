import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { withTimeout } from '../../lambdas/shared/timeout';
import { captureOutput, superviseChild } from './process';

/**
 * Runs one of the *-runner scripts next to this file in a child Node process. fauxqs and
 * cognito-local (through otplib) load ESM-only code that CommonJS under jest cannot require, so
 * they run outside the test's module system. Protocol: the runner writes JSON lines to stdout, the
 * first one once it is listening; it exits when its stdin (our lifeline to it) closes.
 */
export interface Runner<Ready> {
  ready: Ready;
  pid?: number;
  /** A closure over the child: safe to pass around unbound. */
  stop: () => Promise<void>;
}

export async function startRunner<Ready>(
  script: string,
  opts: { what: string; timeoutMs: number; env?: NodeJS.ProcessEnv; onMessage?: (message: Record<string, unknown>) => void },
): Promise<Runner<Ready>> {
  const child = spawn(process.execPath, [join(__dirname, script)], {
    env: opts.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stop = superviseChild(child);
  const output = captureOutput(child);

  const ready = new Promise<Ready>((resolve, reject) => {
    let first = true;
    createInterface({ input: child.stdout }).on('line', (line) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return; // stray log output
      }
      if (first) resolve(message as Ready);
      else opts.onMessage?.(message);
      first = false;
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${opts.what} exited (${code}) before listening:\n${output()}`)));
  });
  try {
    return {
      ready: await withTimeout(ready, opts.timeoutMs, `${opts.what} did not start within ${opts.timeoutMs} ms`),
      pid: child.pid,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
