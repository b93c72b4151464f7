import { createAdmin } from '../../../lambdas/domain/accounts/admin';
import { otpauthUri, setupMfa, verifyMfa } from '../../../lambdas/domain/accounts/mfa';
import { getProfile, updateProfile } from '../../../lambdas/domain/accounts/profile';
import { registerCustomer } from '../../../lambdas/domain/accounts/register';
import { answerMfaChallenge, login, logout, refreshSession } from '../../../lambdas/domain/accounts/session';
import { INVALID_CREDENTIALS } from '../../../lambdas/domain/accounts/errors';
import { MemoryLoginAttempts } from '../../../lambdas/adapters/accounts/memory-login-attempts';
import { FakeEmailCodes, FakeIdentities, FakeMailer, FakeProfiles, fakeJwt, SMALL_LIMITS } from './fakes';

const password = 'Sup3r-secret!';
const setup = async () => {
  const identities = new FakeIdentities();
  const profiles = new FakeProfiles();
  const attempts = new MemoryLoginAttempts(SMALL_LIMITS);
  const { userId } = await registerCustomer(
    { identities, profiles, codes: new FakeEmailCodes(), mailer: new FakeMailer(), attempts },
    { name: 'Ada', email: 'ada@example.com', password, phoneNumber: '+14155550123', address: 'x' },
    '1.2.3.4',
  );
  return { identities, profiles, attempts, userId, caller: { userId, email: 'ada@example.com' } };
};

describe('login', () => {
  it('signs in (email in any case) and returns tokens', async () => {
    const { identities, attempts, userId } = await setup();
    const out = await login({ identities, attempts }, 'ADA@example.com', password, '1.2.3.4');
    expect(out).toMatchObject({ kind: 'signedIn', tokens: { userId, refreshToken: `rt-${userId}` } });
  });

  it('gives one message for an unknown email and a wrong password', async () => {
    const { identities, attempts } = await setup();
    const unknown = await login({ identities, attempts }, 'nobody@example.com', password, 'ip').catch((e) => e);
    const wrong = await login({ identities, attempts }, 'ada@example.com', 'Wrong-pass1!', 'ip').catch((e) => e);
    expect(unknown).toMatchObject({ kind: 'UNAUTHENTICATED', message: INVALID_CREDENTIALS });
    expect(wrong).toMatchObject({ kind: 'UNAUTHENTICATED', message: INVALID_CREDENTIALS });
  });

  it('does not count a Cognito outage as an attempt', async () => {
    const { identities, attempts } = await setup();
    identities.failing.add('signIn');
    for (let i = 0; i < 5; i++) {
      await expect(login({ identities, attempts }, 'ada@example.com', password, 'ip')).rejects.toMatchObject({
        kind: 'DEPENDENCY_UNAVAILABLE',
      });
    }
    identities.failing.delete('signIn');
    await expect(login({ identities, attempts }, 'ada@example.com', password, 'ip')).resolves.toMatchObject({ kind: 'signedIn' });
  });
});

describe('MFA', () => {
  it('setup -> verify -> login answers a challenge -> code gives tokens; the profile and identity record MFA', async () => {
    const { identities, profiles, attempts, caller } = await setup();
    const accessToken = fakeJwt(caller.userId);
    const { secret, otpauthUri: uri } = await setupMfa({ identities }, caller, accessToken);
    expect(uri).toBe(otpauthUri(caller.email, secret));
    expect(uri).toMatch(/^otpauth:\/\/totp\/Car%20Rental%3Aada%40example\.com\?secret=/);
    await expect(verifyMfa({ identities, profiles }, caller, accessToken, '000000')).rejects.toMatchObject({ kind: 'UNAUTHENTICATED' });
    await expect(verifyMfa({ identities, profiles }, caller, accessToken, `code-${secret}`)).resolves.toMatchObject({ mfaEnabled: true });
    expect([...identities.markedMfa]).toEqual([caller.userId]);
    expect((await getProfile({ profiles }, caller.userId)).mfaEnabled).toBe(true);

    const challenge = await login({ identities, attempts }, caller.email, password, 'ip');
    expect(challenge.kind).toBe('mfaRequired');
    const session = (challenge as { session: string }).session;
    await expect(answerMfaChallenge({ identities, attempts }, session, `code-${secret}`, 'ip')).resolves.toMatchObject({
      userId: caller.userId,
    });
    await expect(answerMfaChallenge({ identities, attempts }, 'not-a-session', '123456', 'ip')).rejects.toMatchObject({
      kind: 'UNAUTHENTICATED',
    });
  });

  it("records MFA on the caller's sub, never on the account that holds the token's email (attack: email switched to an admin's)", async () => {
    const { identities, profiles, caller } = await setup();
    // The attacker's token says the admin's email (as it would after UpdateUserAttributes email=...).
    const attacker = { ...caller, email: 'admin@carrental.local' };
    const accessToken = fakeJwt(caller.userId);
    const { secret } = await setupMfa({ identities }, attacker, accessToken);
    await verifyMfa({ identities, profiles }, attacker, accessToken, `code-${secret}`);
    expect([...identities.markedMfa]).toEqual([caller.userId]);
  });

  it("refuses another user's access token (403), so MFA cannot be recorded for the wrong account", async () => {
    const { identities, profiles, caller } = await setup();
    const other = fakeJwt('someone-else');
    await expect(setupMfa({ identities }, caller, other)).rejects.toMatchObject({ kind: 'FORBIDDEN' });
    await expect(verifyMfa({ identities, profiles }, caller, other, '123456')).rejects.toMatchObject({ kind: 'FORBIDDEN' });
  });

  it('an ID token sent as the access token is 401 saying which token to send (it was a 500)', async () => {
    const { identities, profiles, caller } = await setup();
    const idToken = fakeJwt(caller.userId, 'id');
    const setupErr = await setupMfa({ identities }, caller, idToken).catch((e) => e);
    expect(setupErr).toMatchObject({ kind: 'UNAUTHENTICATED', message: expect.stringContaining('accessToken') });
    await expect(verifyMfa({ identities, profiles }, caller, idToken, '123456')).rejects.toMatchObject({ kind: 'UNAUTHENTICATED' });
  });

  it('createAdmin enrols TOTP straight away unless told not to', async () => {
    const identities = new FakeIdentities();
    const profiles = new FakeProfiles();
    const withMfa = await createAdmin(
      { identities, profiles },
      { email: 'ops@example.com', password, name: 'Ops' },
      { enrol: true, codeFor: async (s) => `code-${s}` },
    );
    expect(withMfa.profile).toMatchObject({ role: 'admin', mfaEnabled: true });
    expect(withMfa.totp?.secret).toBeDefined();
    expect(identities.markedMfa.has(withMfa.profile.userId)).toBe(true);
    const without = await createAdmin({ identities, profiles }, { email: 'ops2@example.com', password, name: 'Ops' }, { enrol: false });
    expect(without).toEqual({ profile: expect.objectContaining({ role: 'admin', mfaEnabled: false }) });
  });
});

describe('refresh, logout, profile', () => {
  it('refresh works until logout revokes the refresh token', async () => {
    const { identities, userId } = await setup();
    await expect(refreshSession({ identities }, `rt-${userId}`)).resolves.toMatchObject({ userId });
    await logout({ identities }, `rt-${userId}`);
    await expect(refreshSession({ identities }, `rt-${userId}`)).rejects.toMatchObject({ kind: 'UNAUTHENTICATED' });
  });

  it('reads and updates only name, phone and address; unknown user is 404', async () => {
    const { profiles, userId } = await setup();
    const updated = await updateProfile({ profiles }, userId, { address: 'New St 1' });
    expect(updated).toMatchObject({ address: 'New St 1', role: 'customer', email: 'ada@example.com' });
    await expect(getProfile({ profiles }, 'nope')).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });
});
