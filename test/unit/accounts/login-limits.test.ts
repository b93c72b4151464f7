import { MemoryLoginAttempts } from '../../../lambdas/adapters/accounts/memory-login-attempts';
import { SMALL_LIMITS } from './fakes';
import { loginLimitScenarios } from './login-limit-scenarios';

describe('sign-in limits (one function instance’s memory)', () => {
  loginLimitScenarios(() => new MemoryLoginAttempts(SMALL_LIMITS));

  it('a refusal lasts until the first attempt’s window ends, then attempts count afresh', async () => {
    let now = 0;
    const attempts = new MemoryLoginAttempts(SMALL_LIMITS, () => now);
    for (let i = 0; i < 3; i++) expect(await attempts.reserve('a', 'ip')).toBe(0);
    now = 10_000;
    expect(await attempts.reserve('a', 'ip')).toBe(50);
    now = 60_000;
    expect(await attempts.reserve('a', 'ip')).toBe(0);
  });

  it('stays within its capacity (oldest entries go first)', async () => {
    const attempts = new MemoryLoginAttempts(SMALL_LIMITS, Date.now, 30);
    for (let i = 0; i < 100; i++) await attempts.reserve(`user-${i}`, 'ip');
    expect((attempts as unknown as { entries: Map<string, unknown> }).entries.size).toBeLessThanOrEqual(30);
  });
});
