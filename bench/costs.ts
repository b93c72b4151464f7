/**
 * Per-request costs measured by a benchmark, written as JSON for the capacity model (bench/capacity):
 * `bench/results/costs-<bench>.json` with when, on what load and at what size they were measured. A
 * smoke run (BENCH_SMOKE) writes nothing: its sizes are too small to stand for anything.
 * `BENCH_COSTS_DIR` writes elsewhere (tests).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import type { RedisFactory } from '../lambdas/adapters/redis';

export interface MeasuredCosts {
  bench: string;
  measuredAt: string;
  /** Load average (1 / 5 / 15 min) when the costs were written, on `cpus` cores. */
  load: number[];
  cpus: number;
  /** The run's size (its BENCH_* settings). */
  size: Record<string, number | string>;
  /** Per request of each kind: DynamoDB RCU/WCU by table and index, Redis commands, messages, handler ms. */
  perRequest: Record<string, Record<string, number>>;
}

export const writeCosts = (costs: Omit<MeasuredCosts, 'measuredAt' | 'load' | 'cpus'>): string | undefined => {
  if (process.env.BENCH_SMOKE === 'true') return undefined;
  const dir = process.env.BENCH_COSTS_DIR ?? join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `costs-${costs.bench}.json`);
  const full: MeasuredCosts = {
    ...costs,
    measuredAt: new Date().toISOString(),
    load: loadavg().map((l) => Number(l.toFixed(2))),
    cpus: availableParallelism(),
  };
  writeFileSync(file, `${JSON.stringify(full, null, 2)}\n`);
  console.log(`\nper-request costs written to ${file}`);
  return file;
};

/** Redis commands sent through a factory's clients, by command (a transaction counts its queued commands once, as MULTI). */
export const countingRedis = (factory: RedisFactory, counts: Record<string, number>): RedisFactory => {
  const count = (name: string) => (counts[name] = (counts[name] ?? 0) + 1);
  return async () => {
    const client = await factory();
    return new Proxy(client, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function' || typeof prop !== 'string' || ['quit', 'disconnect', 'on', 'once'].includes(prop)) return value;
        return (...args: unknown[]) => {
          count(prop.toUpperCase());
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  };
};
