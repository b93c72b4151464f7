import type { LoginAttempts } from '../../../lambdas/domain/accounts/ports';
import { registerCustomer } from '../../../lambdas/domain/accounts/register';
import { answerMfaChallenge, login } from '../../../lambdas/domain/accounts/session';
import { FakeEmailCodes, FakeIdentities, FakeMailer, FakeProfiles, SMALL_LIMITS } from './fakes';

const password = 'Sup3r-secret!';
const wrong = 'Wrong-pass1!';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The attacks of issue 10 on the sign-in limits, replayed against the login use case with one
 * LoginAttempts implementation (limits: SMALL_LIMITS). Run for memory (unit), Redis and Redis-down
 * (integration), so every implementation keeps the same rules.
 */
export const loginLimitScenarios = (makeAttempts: () => LoginAttempts | Promise<LoginAttempts>) => {
  const setup = async (email = `ada-${Math.random().toString(36).slice(2)}@example.com`) => {
    const identities = new FakeIdentities();
    const attempts = await makeAttempts();
    await registerCustomer(
      { identities, profiles: new FakeProfiles(), codes: new FakeEmailCodes(), mailer: new FakeMailer(), attempts },
      { name: 'Ada', email, password, phoneNumber: '+14155550123', address: 'x' },
      'registrant',
    );
    // Counts the credentials that reach the identity provider, each taking a while (as Cognito does).
    const checked = { passwords: 0, codes: 0 };
    const signIn = identities.signIn.bind(identities);
    identities.signIn = async (...args) => (checked.passwords++, await sleep(20), signIn(...args));
    const answer = identities.answerMfaChallenge.bind(identities);
    identities.answerMfaChallenge = async (...args) => (checked.codes++, await sleep(20), answer(...args));
    const deps = { identities, attempts };
    const attempt = (pw: string, client: string) =>
      login(deps, email, pw, client).then(
        () => 'ok',
        (e) => e.kind as string,
      );
    return { identities, deps, email, checked, attempt };
  };

  it('18 concurrent wrong passwords for one account: only the limit reach the password check (attack: racing the limit)', async () => {
    const { checked, attempt } = await setup();
    const outcomes = await Promise.all(Array.from({ length: 18 }, () => attempt(wrong, 'attacker')));
    expect(checked.passwords).toBe(SMALL_LIMITS.pair.maxAttempts);
    expect(outcomes.filter((o) => o === 'UNAUTHENTICATED')).toHaveLength(SMALL_LIMITS.pair.maxAttempts);
    expect(outcomes.filter((o) => o === 'TOO_MANY_REQUESTS')).toHaveLength(18 - SMALL_LIMITS.pair.maxAttempts);
  });

  it('wrong passwords from elsewhere do not lock the owner out (attack: locking a chosen account)', async () => {
    const { attempt } = await setup();
    for (let i = 0; i < SMALL_LIMITS.pair.maxAttempts; i++) expect(await attempt(wrong, 'attacker')).toBe('UNAUTHENTICATED');
    expect(await attempt(password, 'attacker')).toBe('TOO_MANY_REQUESTS');
    expect(await attempt(password, 'owner-home')).toBe('ok');
  });

  it('past the account ceiling, unknown clients wait; a client that signed in before still gets in', async () => {
    const { attempt, checked } = await setup();
    expect(await attempt(password, 'owner-home')).toBe('ok');
    for (let i = 0; i < SMALL_LIMITS.account.maxAttempts; i++) expect(await attempt(wrong, `bot-${i}`)).toBe('UNAUTHENTICATED');
    const before = checked.passwords;
    expect(await attempt(password, 'bot-new')).toBe('TOO_MANY_REQUESTS');
    expect(checked.passwords).toBe(before);
    expect(await attempt(password, 'owner-home')).toBe('ok');
  });

  it('a correct password does not clear the count before the MFA code; wrong codes count (attack: guessing codes)', async () => {
    const { identities, deps, email, checked, attempt: from } = await setup();
    identities.users.get(email)!.totp = 'S';
    identities.users.get(email)!.mfa = true;
    const challenge = async () => ((await login(deps, email, password, 'attacker')) as { session: string }).session;
    const code = (session: string, c: string) =>
      answerMfaChallenge(deps, session, c, 'attacker').then(
        () => 'ok',
        (e) => e.kind as string,
      );
    expect(await from(wrong, 'attacker')).toBe('UNAUTHENTICATED');
    expect(await from(wrong, 'attacker')).toBe('UNAUTHENTICATED');
    const session = await challenge(); // the right password: the two failures still count
    expect(await code(session, '000000')).toBe('UNAUTHENTICATED');
    // Three attempts counted (two passwords and a code): the password again, or even the right code, waits.
    await expect(challenge()).rejects.toMatchObject({ kind: 'TOO_MANY_REQUESTS' });
    expect(await code(session, 'code-S')).toBe('TOO_MANY_REQUESTS');
    expect(checked.codes).toBe(1);
  });

  it('a completed MFA sign-in clears the client’s count', async () => {
    const { identities, deps, email, attempt } = await setup();
    identities.users.get(email)!.totp = 'S';
    identities.users.get(email)!.mfa = true;
    expect(await attempt(wrong, 'owner')).toBe('UNAUTHENTICATED');
    const { session } = (await login(deps, email, password, 'owner')) as { session: string };
    await expect(answerMfaChallenge(deps, session, 'code-S', 'owner')).resolves.toMatchObject({ userId: expect.any(String) });
    for (let i = 0; i < SMALL_LIMITS.pair.maxAttempts; i++) expect(await attempt(wrong, 'owner')).toBe('UNAUTHENTICATED');
  });
};
