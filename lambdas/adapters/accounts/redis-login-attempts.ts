import type { RedisCommands } from '../redis';
import { LOGIN_LIMITS, type LoginLimits } from '../../domain/accounts/login-limits';
import type { LoginAttempts } from '../../domain/accounts/ports';
import { counterKeys } from './login-counters';

/**
 * KEYS: pair, account, client counters, then the known-client mark. ARGV: max and window of each
 * counter, in that order. Checks every limit, then counts the attempt on all three, in one step: an
 * attempt is counted before its credential is checked, so concurrent attempts cannot all pass.
 * Returns 0 (counted) or the seconds until the first refusing window ends (nothing counted).
 */
const RESERVE = `
local known = redis.call('EXISTS', KEYS[4]) == 1
local wait = 0
for i = 1, 3 do
  if not (i == 2 and known) then
    local n = tonumber(redis.call('GET', KEYS[i]) or '0')
    if n >= tonumber(ARGV[i * 2 - 1]) then
      local ttl = redis.call('TTL', KEYS[i])
      if ttl < 1 then ttl = tonumber(ARGV[i * 2]) end
      if ttl > wait then wait = ttl end
    end
  end
end
if wait > 0 then return wait end
for i = 1, 3 do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('EXPIRE', KEYS[i], ARGV[i * 2]) end
end
return 0`;

/** KEYS as RESERVE. ARGV[1]: by how much to lower account and client ('pair' = by the pair's count, and drop the pair). */
const LOWER = `
local by = tonumber(ARGV[1])
local first = 1
if ARGV[1] == 'pair' then
  by = tonumber(redis.call('GET', KEYS[1]) or '0')
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[4], '1', 'EX', ARGV[2])
  first = 2
end
for i = first, 3 do
  if by > 0 and redis.call('EXISTS', KEYS[i]) == 1 and redis.call('DECRBY', KEYS[i], by) <= 0 then redis.call('DEL', KEYS[i]) end
end
return 0`;

/**
 * The attempt limits shared by every function instance, in Redis (atomic Lua scripts). Throws when
 * Redis cannot be reached: LayeredLoginAttempts then relies on the instance's own counts.
 */
export class RedisLoginAttempts implements LoginAttempts {
  constructor(
    private readonly redis: () => Promise<RedisCommands>,
    private readonly limits: LoginLimits = LOGIN_LIMITS,
  ) {}

  async reserve(account: string, client: string): Promise<number> {
    const { counters, known } = counterKeys(account, client);
    const args = counters.flatMap(([kind]) => [this.limits[kind].maxAttempts, this.limits[kind].windowSeconds]);
    return Number(await (await this.redis()).eval(RESERVE, 4, ...counters.map(([, key]) => key), known, ...args));
  }

  async release(account: string, client: string): Promise<void> {
    await this.lower(account, client, '1');
  }

  async succeeded(account: string, client: string): Promise<void> {
    await this.lower(account, client, 'pair', String(this.limits.knownClientSeconds));
  }

  private async lower(account: string, client: string, ...args: string[]): Promise<void> {
    const { counters, known } = counterKeys(account, client);
    await (await this.redis()).eval(LOWER, 4, ...counters.map(([, key]) => key), known, ...args);
  }
}
