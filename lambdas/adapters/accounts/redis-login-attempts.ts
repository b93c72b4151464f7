import { createHash } from 'node:crypto';
import type { RedisCommands } from '../resp-client';
import type { LoginAttempts } from '../../domain/accounts/ports';
import { logger } from '../../shared/logger';

export interface AttemptLimit {
  /** Failures allowed within the window; the next attempt is refused until the window ends. */
  maxFailures: number;
  windowSeconds: number;
}

/**
 * Per account: a handful of guesses, then a pause of at most the window (never a permanent lock the
 * owner cannot undo). Per client: generous, because many people can share one address (NAT), but it
 * stops one client sweeping many accounts.
 */
export const LOGIN_LIMITS: { account: AttemptLimit; client: AttemptLimit } = {
  account: { maxFailures: 5, windowSeconds: 600 },
  client: { maxFailures: 50, windowSeconds: 600 },
};

/** Emails and addresses are hashed so Redis holds no personal data. */
const key = (kind: 'account' | 'client', id: string) =>
  `login-failures:${kind}:${createHash('sha256').update(id).digest('base64url').slice(0, 22)}`;

/**
 * Fixed-window failure counters in Redis. Redis is an accelerator, not a gate: if it is down the
 * counters fail open (logged), and API Gateway throttling and Cognito's own protections still apply,
 * rather than refusing every sign-in.
 */
export class RedisLoginAttempts implements LoginAttempts {
  constructor(
    private readonly redis: () => Promise<RedisCommands>,
    private readonly limits = LOGIN_LIMITS,
  ) {}

  async retryAfter(email: string, client: string): Promise<number> {
    return this.failOpen('retryAfter', 0, async (redis) => {
      const waits = await Promise.all(
        (['account', 'client'] as const).map(async (kind) => {
          const k = key(kind, kind === 'account' ? email : client);
          const count = Number((await redis.get(k)) ?? 0);
          if (count < this.limits[kind].maxFailures) return 0;
          const ttl = await redis.ttl(k);
          return ttl > 0 ? ttl : this.limits[kind].windowSeconds;
        }),
      );
      return Math.max(...waits);
    });
  }

  async recordFailure(email: string, client: string): Promise<void> {
    await this.failOpen('recordFailure', undefined, async (redis) => {
      const pipeline = redis.multi();
      for (const [kind, id] of [['account', email], ['client', client]] as const) {
        // The window starts at the first failure (NX keeps its expiry), then counts up.
        pipeline.set(key(kind, id), 0, 'EX', this.limits[kind].windowSeconds, 'NX').incr(key(kind, id));
      }
      await pipeline.exec();
    });
  }

  async reset(email: string): Promise<void> {
    await this.failOpen('reset', undefined, async (redis) => void (await redis.del(key('account', email))));
  }

  private async failOpen<T>(what: string, fallback: T, work: (redis: RedisCommands) => Promise<T>): Promise<T> {
    try {
      return await work(await this.redis());
    } catch (err) {
      logger.warn(`login attempt counter unavailable (${what}); allowing`, { error: err as Error });
      return fallback;
    }
  }
}
