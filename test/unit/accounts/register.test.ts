import { createAccount, EMAIL_CLAIM_SECONDS, registerCustomer } from '../../../lambdas/domain/accounts/register';
import { AppError } from '../../../lambdas/shared/errors';
import { FakeIdentities, FakeProfiles } from './fakes';

const input = { name: 'Ada', email: 'Ada@Example.com', password: 'Sup3r-secret!', phoneNumber: '+14155550123', address: '1 Main St' };
const setup = () => {
  const identities = new FakeIdentities();
  const profiles = new FakeProfiles();
  let now = new Date('2030-01-01T00:00:00Z');
  const clock = { now: () => now };
  return { identities, profiles, deps: { identities, profiles, clock }, advance: (s: number) => (now = new Date(now.getTime() + s * 1000)) };
};

describe('registration', () => {
  it('creates the identity in the customer group and the profile, keyed by the identity id, email lower-cased', async () => {
    const { deps, identities, profiles } = setup();
    const res = await registerCustomer(deps, input);
    expect(res).toEqual({ userId: 'sub-1', message: 'User registered successfully' });
    expect(identities.users.get('ada@example.com')).toMatchObject({ role: 'customer' });
    expect(profiles.profiles.get('sub-1')).toMatchObject({ email: 'ada@example.com', role: 'customer', mfaEnabled: false, name: 'Ada' });
    expect(JSON.stringify([...profiles.profiles.values()])).not.toContain(input.password);
  });

  it('refuses a second account for the same email in any case with 409', async () => {
    const { deps } = setup();
    await registerCustomer(deps, input);
    await expect(registerCustomer(deps, { ...input, email: 'ADA@example.COM' })).rejects.toMatchObject({ kind: 'CONFLICT' });
  });

  it('Cognito down: 503 with Retry-After, no profile, no identity, email free again', async () => {
    const { deps, identities, profiles } = setup();
    identities.failing.add('createUser');
    const err = await registerCustomer(deps, input).catch((e: AppError) => e);
    expect(err).toMatchObject({ kind: 'DEPENDENCY_UNAVAILABLE', retryAfterSeconds: expect.any(Number) });
    expect(profiles.profiles.size).toBe(0);
    expect(identities.users.size).toBe(0);
    expect(profiles.claims.size).toBe(0);
    identities.failing.clear();
    await expect(registerCustomer(deps, input)).resolves.toMatchObject({ userId: expect.any(String) });
  });

  it('profile write fails: the identity is deleted again, so nothing is half-created', async () => {
    const { deps, identities, profiles } = setup();
    profiles.failing.add('create');
    await expect(registerCustomer(deps, input)).rejects.toMatchObject({ kind: 'DEPENDENCY_UNAVAILABLE' });
    expect(identities.users.size).toBe(0);
    expect(profiles.claims.size).toBe(0);
  });

  it('an identity orphaned by a failed undo (Cognito went down mid-way) is replaced by the retry', async () => {
    const { deps, identities, profiles } = setup();
    profiles.failing.add('create');
    identities.failing.add('deleteUser');
    await expect(registerCustomer(deps, input)).rejects.toBeInstanceOf(AppError);
    expect(identities.users.size).toBe(1); // the orphan: no profile
    expect(profiles.profiles.size).toBe(0);
    profiles.failing.clear();
    identities.failing.clear();
    const { userId } = await registerCustomer(deps, input);
    expect(identities.users.size).toBe(1);
    expect(identities.users.get('ada@example.com')!.sub).toBe(userId);
    expect(profiles.profiles.get(userId)).toBeDefined();
  });

  it('a claim left by a crashed registration blocks only until it lapses', async () => {
    const { deps, profiles, advance } = setup();
    profiles.failing.add('releaseEmail');
    profiles.failing.add('create');
    await expect(registerCustomer(deps, input)).rejects.toBeInstanceOf(AppError);
    profiles.failing.clear();
    await expect(registerCustomer(deps, input)).rejects.toMatchObject({ kind: 'CONFLICT' });
    advance(EMAIL_CLAIM_SECONDS + 1);
    await expect(registerCustomer(deps, input)).resolves.toMatchObject({ userId: expect.any(String) });
  });

  it('creates admins in the admin group only through createAccount (never from a request body)', async () => {
    const { deps, identities } = setup();
    const profile = await createAccount(deps, { email: 'ops@example.com', password: 'x', name: 'Ops' }, 'admin');
    expect(profile.role).toBe('admin');
    expect(identities.users.get('ops@example.com')!.role).toBe('admin');
  });
});
