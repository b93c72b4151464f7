import { EMAIL_CODE_RULES, resendEmailCode, verifyEmailCode } from '../../../lambdas/domain/accounts/email-verification';
import { createAccount, registerCustomer } from '../../../lambdas/domain/accounts/register';
import { MemoryLoginAttempts } from '../../../lambdas/adapters/accounts/memory-login-attempts';
import { FakeEmailCodes, FakeIdentities, FakeMailer, FakeProfiles } from './fakes';

const input = { name: 'Ada', email: 'ada@example.com', password: 'Sup3r-secret!', phoneNumber: '+14155550123', address: '1 Main St' };
const setup = async () => {
  let now = new Date('2030-01-01T00:00:00Z');
  const deps = {
    identities: new FakeIdentities(),
    profiles: new FakeProfiles(),
    codes: new FakeEmailCodes(),
    mailer: new FakeMailer(),
    attempts: new MemoryLoginAttempts(),
    clock: { now: () => now },
  };
  const { userId } = await registerCustomer(deps, input, '1.2.3.4');
  const advance = (s: number) => (now = new Date(now.getTime() + s * 1000));
  const verify = (code: string) =>
    verifyEmailCode(deps, userId, code).then(
      () => 'ok',
      (e) => e.kind as string,
    );
  return { deps, userId, advance, verify, code: () => deps.mailer.lastCode(input.email) };
};

describe('email verification (issue 10: email ownership is never verified)', () => {
  it('registration emails a 6-digit code; only a hash of it is stored', async () => {
    const { deps, userId, code } = await setup();
    expect(deps.mailer.sent).toEqual([{ to: 'ada@example.com', subject: expect.any(String), text: expect.stringMatching(/\b\d{6}\b/) }]);
    const stored = deps.codes.codes.get(userId)!;
    expect(JSON.stringify(stored)).not.toContain(code());
    expect(stored).toMatchObject({ attempts: 0, sends: 1, expiresAt: expect.any(Number) });
  });

  it('the right code verifies the identity (new tokens say email_verified) and the profile; a wrong one is 400', async () => {
    const { deps, userId, verify, code } = await setup();
    const wrong = code() === '000000' ? '111111' : '000000';
    expect(await verify(wrong)).toBe('VALIDATION');
    expect(deps.profiles.profiles.get(userId)!.emailVerified).toBe(false);
    expect(await verify(code())).toBe('ok');
    expect(deps.identities.users.get(input.email)!.emailVerified).toBe(true);
    expect(deps.profiles.profiles.get(userId)!.emailVerified).toBe(true);
    expect(deps.codes.codes.has(userId)).toBe(false);
    expect(await verify('123456')).toBe('ok'); // already verified: nothing to do
  });

  it('after maxAttempts wrong codes even the right one is refused until a new code is sent', async () => {
    const { verify, code, advance, deps, userId } = await setup();
    const right = code();
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < EMAIL_CODE_RULES.maxAttempts; i++) expect(await verify(wrong)).toBe('VALIDATION');
    expect(await verify(right)).toBe('TOO_MANY_REQUESTS');
    advance(EMAIL_CODE_RULES.resendAfterSeconds);
    await resendEmailCode(deps, userId);
    expect(code()).not.toBe('');
    expect(await verify(code())).toBe('ok');
  });

  it('concurrent guesses cannot exceed the attempt limit', async () => {
    const { verify, code } = await setup();
    const wrong = code() === '000000' ? '111111' : '000000';
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => verify(wrong)));
    // Each VALIDATION is a code that was checked; the rest were refused before any check.
    expect(outcomes.filter((o) => o === 'VALIDATION').length).toBeLessThanOrEqual(EMAIL_CODE_RULES.maxAttempts);
    expect(outcomes.filter((o) => o === 'TOO_MANY_REQUESTS').length).toBeGreaterThanOrEqual(20 - EMAIL_CODE_RULES.maxAttempts);
  });

  it('a code expires', async () => {
    const { verify, code, advance } = await setup();
    advance(EMAIL_CODE_RULES.ttlSeconds);
    expect(await verify(code())).toBe('VALIDATION');
  });

  it('new codes: one a minute, a few a day; the old code stops working; none once verified', async () => {
    const { deps, userId, advance, verify, code } = await setup();
    const first = code();
    await expect(resendEmailCode(deps, userId)).rejects.toMatchObject({
      kind: 'TOO_MANY_REQUESTS',
      retryAfterSeconds: EMAIL_CODE_RULES.resendAfterSeconds,
    });
    for (let sent = 1; sent < EMAIL_CODE_RULES.maxSendsPerDay; sent++) {
      advance(EMAIL_CODE_RULES.resendAfterSeconds);
      await resendEmailCode(deps, userId);
    }
    advance(EMAIL_CODE_RULES.resendAfterSeconds);
    await expect(resendEmailCode(deps, userId)).rejects.toMatchObject({ kind: 'TOO_MANY_REQUESTS' });
    expect(deps.mailer.sent).toHaveLength(EMAIL_CODE_RULES.maxSendsPerDay);
    if (first !== code()) expect(await verify(first)).toBe('VALIDATION');
    expect(await verify(code())).toBe('ok');
    await expect(resendEmailCode(deps, userId)).rejects.toMatchObject({ kind: 'CONFLICT' });
  });

  it('a mail outage does not fail the registration: a code can be asked for afterwards', async () => {
    const deps = { identities: new FakeIdentities(), profiles: new FakeProfiles(), codes: new FakeEmailCodes(), mailer: new FakeMailer() };
    deps.mailer.failing = true;
    const { userId } = await registerCustomer({ ...deps, attempts: new MemoryLoginAttempts() }, input, '1.2.3.4');
    deps.mailer.failing = false;
    deps.codes.codes.clear(); // the stored code was never received
    await resendEmailCode(deps, userId);
    await expect(verifyEmailCode(deps, userId, deps.mailer.lastCode(input.email))).resolves.toMatchObject({ emailVerified: true });
  });

  it('admins (admin:create, the seeded admin) are created verified and sent no code', async () => {
    const deps = { identities: new FakeIdentities(), profiles: new FakeProfiles() };
    const { profile } = await createAccount(deps, { email: 'ops@example.com', password: 'x', name: 'Ops' }, 'admin', 'operator');
    expect(profile.emailVerified).toBe(true);
  });
});
