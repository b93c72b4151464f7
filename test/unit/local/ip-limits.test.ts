import { IP_RATE_LIMITS } from '../../../lambdas/api/routes';
import { IpRateLimiter } from '../../../local/ip-limits';

const signIn = IP_RATE_LIMITS.find((l) => l.name === 'per-ip-sign-in')!;

describe('local per-IP limits (the WAF rules)', () => {
  let now = 0;
  const limiter = () => new IpRateLimiter(IP_RATE_LIMITS, () => now);
  beforeEach(() => (now = 1_000_000));

  test('one address over the sign-in limit is refused; another address and other paths are not', () => {
    const l = limiter();
    for (let i = 0; i < signIn.limit; i++) expect(l.check('10.0.0.1', '/users/login')).toBe(0);
    expect(l.check('10.0.0.1', '/users/login')).toBe(signIn.windowSeconds);
    expect(l.check('10.0.0.1', '/users/login/mfa')).toBeGreaterThan(0); // same rule (prefix)
    expect(l.check('10.0.0.2', '/users/login')).toBe(0);
    expect(l.check('10.0.0.1', '/cars')).toBe(0);
  });

  test('a percent-encoded path counts as the path it decodes to, as WAF URL_DECODEs it', () => {
    const l = limiter();
    for (let i = 0; i < signIn.limit; i++) l.check('10.0.0.1', '/users/login');
    expect(l.check('10.0.0.1', '/users/%6Cogin')).toBeGreaterThan(0);
    expect(l.check('10.0.0.1', '/users/%E0%A4%A')).toBe(0); // undecodable: matched as it is
  });

  test('Retry-After is the time until the window has room, then the address gets in again', () => {
    const l = limiter();
    for (let i = 0; i < signIn.limit; i++) {
      l.check('10.0.0.1', '/users/login');
      now += 1_000;
    }
    // The first request was limit seconds ago: room in windowSeconds - limit seconds.
    expect(l.check('10.0.0.1', '/users/login')).toBe(signIn.windowSeconds - signIn.limit);
    now += (signIn.windowSeconds - signIn.limit) * 1000;
    expect(l.check('10.0.0.1', '/users/login')).toBe(0);
  });

  test('a refused request is not counted; a request counted by one rule counts for the whole-API rule too', () => {
    const l = new IpRateLimiter(
      [
        { name: 'login', limit: 2, windowSeconds: 60, pathPrefixes: ['/users/login'] },
        { name: 'all', limit: 3, windowSeconds: 60 },
      ],
      () => now,
    );
    expect([1, 2, 3].map(() => l.check('ip', '/users/login'))).toEqual([0, 0, 60]);
    expect(l.check('ip', '/cars')).toBe(0);
    expect(l.check('ip', '/cars')).toBe(60);
  });
});
