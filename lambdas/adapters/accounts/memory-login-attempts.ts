import { LOGIN_LIMITS, type LoginLimits } from '../../domain/accounts/login-limits';
import type { LoginAttempts } from '../../domain/accounts/ports';
import { counterKeys } from './login-counters';

interface Entry {
  count: number;
  expiresAt: number;
}

/**
 * The attempt limits kept in this function instance's memory: the same rules as the Lua scripts of
 * RedisLoginAttempts (test/integration/login-attempts.test.ts runs one contract against both). Every
 * check completes without awaiting, so it is atomic within the instance. Bounded: the oldest entries
 * go first when full.
 */
export class MemoryLoginAttempts implements LoginAttempts {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly limits: LoginLimits = LOGIN_LIMITS,
    private readonly nowMs: () => number = Date.now,
    private readonly capacity = 20_000,
  ) {}

  async reserve(account: string, client: string): Promise<number> {
    const { counters, known } = counterKeys(account, client);
    const isKnown = this.live(known) !== undefined;
    const waits = counters
      .filter(([kind]) => !(kind === 'account' && isKnown))
      .map(([kind, key]) => {
        const entry = this.live(key);
        return entry && entry.count >= this.limits[kind].maxAttempts ? Math.ceil((entry.expiresAt - this.nowMs()) / 1000) : 0;
      });
    const wait = Math.max(0, ...waits);
    if (wait > 0) return wait;
    for (const [kind, key] of counters) {
      const entry = this.live(key) ?? { count: 0, expiresAt: this.nowMs() + this.limits[kind].windowSeconds * 1000 };
      entry.count += 1;
      this.set(key, entry);
    }
    return 0;
  }

  async release(account: string, client: string): Promise<void> {
    for (const [, key] of counterKeys(account, client).counters) this.decrease(key, 1);
  }

  async succeeded(account: string, client: string): Promise<void> {
    const { counters, known } = counterKeys(account, client);
    const [[, pairKey], ...others] = counters;
    const n = this.live(pairKey)?.count ?? 0;
    this.entries.delete(pairKey);
    for (const [, key] of others) this.decrease(key, n);
    this.set(known, { count: 1, expiresAt: this.nowMs() + this.limits.knownClientSeconds * 1000 });
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.expiresAt > this.nowMs()) return entry;
    this.entries.delete(key);
    return undefined;
  }

  private decrease(key: string, by: number): void {
    const entry = this.live(key);
    if (!entry) return;
    entry.count -= by;
    if (entry.count <= 0) this.entries.delete(key);
  }

  private set(key: string, entry: Entry): void {
    this.entries.delete(key); // re-inserted last: Map order is then oldest-first
    this.entries.set(key, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
