import { withTimeout } from '../../shared/timeout';

/** A dependency probe: resolves when the dependency answers, rejects otherwise. */
export type Probe = () => Promise<unknown>;

export interface CheckResult {
  status: 'ok' | 'down';
  latencyMs: number;
  message?: string;
}

export interface Readiness {
  status: 'ok' | 'degraded';
  checks: Record<string, CheckResult>;
}

/** For anonymous callers: each dependency's status and latency, never an error message (hosts, ports, internals). */
export const withoutDetails = (readiness: Readiness): Readiness => ({
  ...readiness,
  checks: Object.fromEntries(Object.entries(readiness.checks).map(([name, { status, latencyMs }]) => [name, { status, latencyMs }])),
});

/** Runs every probe at once, each bounded by `timeoutMs`, so one hung dependency cannot hang the check. */
export const checkReadiness = async (
  probes: Record<string, Probe>,
  timeoutMs: number,
  now: () => number = Date.now,
): Promise<Readiness> => {
  const entries = await Promise.all(
    Object.entries(probes).map(async ([name, probe]): Promise<[string, CheckResult]> => {
      const started = now();
      try {
        await withTimeout(Promise.resolve().then(probe), timeoutMs);
        return [name, { status: 'ok', latencyMs: Math.round(now() - started) }];
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return [name, { status: 'down', latencyMs: Math.round(now() - started), message }];
      }
    }),
  );
  const checks = Object.fromEntries(entries);
  const status = entries.every(([, c]) => c.status === 'ok') ? 'ok' : 'degraded';
  return { status, checks };
};
