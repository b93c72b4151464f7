import type { LoginAttempts } from '../../domain/accounts/ports';
import { logger } from '../../shared/logger';

/**
 * Sign-in limits that hold while Redis is down: every attempt is counted in this instance's memory and
 * in Redis, and refused if either says so. Redis gives the count across instances; memory keeps each
 * instance enforcing the limits on what it saw itself when Redis is unreachable or comes back empty
 * after a restart (so the limits never fail open).
 */
export class LayeredLoginAttempts implements LoginAttempts {
  constructor(
    private readonly local: LoginAttempts,
    private readonly shared: LoginAttempts,
  ) {}

  async reserve(account: string, client: string): Promise<number> {
    const wait = await this.local.reserve(account, client);
    if (wait > 0) return wait;
    const sharedWait = await this.orLocalOnly('reserve', 0, () => this.shared.reserve(account, client));
    if (sharedWait > 0) await this.local.release(account, client); // refused: this attempt is not made
    return sharedWait;
  }

  async release(account: string, client: string): Promise<void> {
    await this.local.release(account, client);
    await this.orLocalOnly('release', undefined, () => this.shared.release(account, client));
  }

  async succeeded(account: string, client: string): Promise<void> {
    await this.local.succeeded(account, client);
    await this.orLocalOnly('succeeded', undefined, () => this.shared.succeeded(account, client));
  }

  private async orLocalOnly<T>(what: string, fallback: T, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      logger.warn(`shared sign-in counters unavailable (${what}); this instance's own counts apply`, { error: err as Error });
      return fallback;
    }
  }
}
