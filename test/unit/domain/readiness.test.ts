import { checkReadiness } from '../../../lambdas/domain/health/readiness';

describe('checkReadiness', () => {
  it('is ok when every probe answers', async () => {
    const r = await checkReadiness({ a: async () => 1, b: async () => 2 }, 100);
    expect(r.status).toBe('ok');
    expect(r.checks.a.status).toBe('ok');
  });

  it('names the dependency that failed or hung, and bounds the wait', async () => {
    const started = Date.now();
    const r = await checkReadiness(
      {
        ok: async () => undefined,
        broken: async () => {
          throw new Error('connection refused');
        },
        hung: () => new Promise(() => undefined),
      },
      50,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(r.status).toBe('degraded');
    expect(r.checks.broken).toMatchObject({ status: 'down', message: 'connection refused' });
    expect(r.checks.hung).toMatchObject({ status: 'down', message: 'no answer within 50 ms' });
    expect(r.checks.ok.status).toBe('ok');
  });
});
