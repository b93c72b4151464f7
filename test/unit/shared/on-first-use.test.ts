import { onFirstUse } from '../../../lambdas/shared/on-first-use';

describe('onFirstUse', () => {
  it('makes the value once, on the first call, and concurrent first calls share it', async () => {
    let made = 0;
    const value = onFirstUse(async () => ({ n: ++made }));
    expect(made).toBe(0);
    const [a, b] = await Promise.all([value(), value()]);
    expect(a).toBe(b);
    expect(await value()).toBe(a);
    expect(made).toBe(1);
  });

  it('forgets a failed attempt, so the next call tries again', async () => {
    let calls = 0;
    const value = onFirstUse(async () => {
      calls++;
      if (calls === 1) throw new Error('not yet');
      return 'ready';
    });
    await expect(value()).rejects.toThrow('not yet');
    await expect(value()).resolves.toBe('ready');
    await expect(value()).resolves.toBe('ready');
    expect(calls).toBe(2);
  });
});
