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

  it('forget hands back what it held and makes the next call build anew; with nothing held it hands back nothing', async () => {
    let made = 0;
    const value = onFirstUse(async () => ({ n: ++made }));
    expect(value.forget()).toBeUndefined();
    const first = await value();
    await expect(value.forget()).resolves.toBe(first);
    expect(await value()).toEqual({ n: 2 });
    expect(made).toBe(2);
  });

  it('an attempt forgotten while under way that then fails leaves the newer value in place', async () => {
    let failFirst!: (err: Error) => void;
    let calls = 0;
    const value = onFirstUse(() =>
      ++calls === 1
        ? new Promise<string>((_resolve, reject) => {
            failFirst = reject;
          })
        : Promise.resolve('newer'),
    );
    const stale = value();
    void value.forget();
    await expect(value()).resolves.toBe('newer');
    failFirst(new Error('old connection refused'));
    await expect(stale).rejects.toThrow('old connection refused');
    await expect(value()).resolves.toBe('newer');
    expect(calls).toBe(2);
  });
});
