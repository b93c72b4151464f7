import { Throttle, TokenBucket } from '../../../local/throttle';

describe('TokenBucket', () => {
  it('allows a burst, then refuses with the wait until the next token', () => {
    let now = 0;
    const bucket = new TokenBucket({ rateLimit: 2, burstLimit: 3 }, () => now);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 0]);
    expect(bucket.take()).toBeCloseTo(0.5); // 2 tokens/s: the next one is 0.5 s away
    now = 500;
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBeGreaterThan(0);
  });

  it('never holds more than the burst', () => {
    let now = 0;
    const bucket = new TokenBucket({ rateLimit: 10, burstLimit: 2 }, () => now);
    now = 60_000;
    expect([bucket.take(), bucket.take()]).toEqual([0, 0]);
    expect(bucket.take()).toBeGreaterThan(0);
  });
});

describe('Throttle', () => {
  it('applies the method limit per route and reports whole seconds for Retry-After', () => {
    const now = 0;
    const throttle = new Throttle({ rateLimit: 1000, burstLimit: 1000 }, () => now);
    const limit = { rateLimit: 0.5, burstLimit: 1 };
    expect(throttle.check('POST /a', limit)).toBe(0);
    expect(throttle.check('POST /a', limit)).toBe(2);
    expect(throttle.check('POST /b', limit)).toBe(0); // another route has its own bucket
  });

  it('applies the stage limit across routes', () => {
    const throttle = new Throttle({ rateLimit: 1, burstLimit: 2 }, () => 0);
    const roomy = { rateLimit: 100, burstLimit: 100 };
    expect(throttle.check('GET /a', roomy)).toBe(0);
    expect(throttle.check('GET /b', roomy)).toBe(0);
    expect(throttle.check('GET /c', roomy)).toBe(1);
  });

  it('spends no token of one level on a request the other level refuses', () => {
    const throttle = new Throttle({ rateLimit: 0.001, burstLimit: 2 }, () => 0);
    const tight = { rateLimit: 0.001, burstLimit: 1 };
    const roomy = { rateLimit: 100, burstLimit: 100 };
    expect(throttle.check('POST /a', tight)).toBe(0);
    expect(throttle.check('POST /a', tight)).toBeGreaterThan(0); // refused by the route: the stage keeps its token
    expect(throttle.check('GET /b', roomy)).toBe(0);
    expect(throttle.check('GET /c', roomy)).toBeGreaterThan(0); // now the stage is empty
  });
});
