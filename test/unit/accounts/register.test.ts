import { createAccount, EMAIL_CLAIM_SECONDS, REPLAY_SECONDS, registerCustomer } from '../../../lambdas/domain/accounts/register';
import { AppError } from '../../../lambdas/shared/errors';
import { FakeEmailCodes, FakeIdentities, FakeMailer, FakeProfiles } from './fakes';

const input = { name: 'Ada', email: 'Ada@Example.com', password: 'Sup3r-secret!', phoneNumber: '+14155550123', address: '1 Main St' };
const setup = () => {
  const identities = new FakeIdentities();
  const profiles = new FakeProfiles();
  const mailer = new FakeMailer();
  let now = new Date('2030-01-01T00:00:00Z');
  const clock = { now: () => now };
  const deps = { identities, profiles, clock, codes: new FakeEmailCodes(), mailer };
  return { identities, profiles, mailer, deps, advance: (s: number) => (now = new Date(now.getTime() + s * 1000)) };
};

describe('registration', () => {
  it('creates the identity in the customer group and the profile, keyed by the identity id, email lower-cased', async () => {
    const { deps, identities, profiles } = setup();
    const res = await registerCustomer(deps, input);
    expect(res).toEqual({ userId: 'sub-1', message: expect.stringContaining('verify your email') });
    expect(identities.users.get('ada@example.com')).toMatchObject({ role: 'customer' });
    expect(profiles.profiles.get('sub-1')).toMatchObject({
      email: 'ada@example.com',
      role: 'customer',
      mfaEnabled: false,
      emailVerified: false,
      name: 'Ada',
    });
    expect(identities.users.get('ada@example.com')).toMatchObject({ emailVerified: false });
    expect(JSON.stringify([...profiles.profiles.values()])).not.toContain(input.password);
  });

  it('refuses a second account for the same email in any case with 409', async () => {
    const { deps } = setup();
    await registerCustomer(deps, input);
    await expect(registerCustomer(deps, { ...input, email: 'ADA@example.COM', password: 'An0ther-secret!' })).rejects.toMatchObject({
      kind: 'CONFLICT',
    });
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
    // Someone else: taken. The same request again: still being completed, retry shortly.
    await expect(registerCustomer(deps, { ...input, password: 'An0ther-secret!' })).rejects.toMatchObject({ kind: 'CONFLICT' });
    await expect(registerCustomer(deps, input)).rejects.toMatchObject({ kind: 'DEPENDENCY_UNAVAILABLE', retryAfterSeconds: 10 });
    advance(EMAIL_CLAIM_SECONDS + 1);
    await expect(registerCustomer(deps, input)).resolves.toMatchObject({ userId: expect.any(String) });
  });

  it('creates admins in the admin group only through createAccount (never from a request body)', async () => {
    const { deps, identities } = setup();
    const { profile } = await createAccount(deps, { email: 'ops@example.com', password: 'x', name: 'Ops' }, 'admin');
    expect(profile).toMatchObject({ role: 'admin', emailVerified: true });
    expect(identities.users.get('ops@example.com')).toMatchObject({ role: 'admin', emailVerified: true });
  });
});

/** Makes the next profile write wait until `finish()`: a dependency that hangs past the client's timeout. */
const hangProfileWrite = (profiles: FakeProfiles) => {
  const create = profiles.create.bind(profiles);
  let finish!: () => void;
  let started!: () => void;
  const released = new Promise<void>((r) => (finish = r));
  const hanging = new Promise<void>((r) => (started = r));
  profiles.create = async (...args) => {
    profiles.create = create;
    started();
    await released;
    return create(...args);
  };
  return { hanging, finish: () => finish() };
};

describe('registration retried after a timeout or 503 (attack: a registration that got 502 exists)', () => {
  it('a retry while the first attempt hangs is 503 + Retry-After; once it lands, the retry answers its account', async () => {
    const { deps, identities, profiles, mailer } = setup();
    const { hanging, finish } = hangProfileWrite(profiles);
    const first = registerCustomer(deps, input);
    await hanging;
    const during = await registerCustomer(deps, input).catch((e: AppError) => e);
    expect(during).toMatchObject({ kind: 'DEPENDENCY_UNAVAILABLE', retryAfterSeconds: expect.any(Number) });
    finish();
    const { userId } = await first; // the write lands after the client gave up
    await expect(registerCustomer(deps, input)).resolves.toEqual({ userId, message: expect.any(String) });
    expect(identities.users.size).toBe(1);
    expect(profiles.profiles.size).toBe(1);
    expect(mailer.sent).toHaveLength(1); // one code, not one per retry
  });

  it('only the same body is a retry: another password or name gets 409, and after the replay window so does the same body', async () => {
    const { deps, advance } = setup();
    await registerCustomer(deps, input);
    await expect(registerCustomer(deps, { ...input, password: 'An0ther-secret!' })).rejects.toMatchObject({ kind: 'CONFLICT' });
    await expect(registerCustomer(deps, { ...input, name: 'Eve' })).rejects.toMatchObject({ kind: 'CONFLICT' });
    advance(REPLAY_SECONDS + 1);
    await expect(registerCustomer(deps, input)).rejects.toMatchObject({ kind: 'CONFLICT' });
  });

  it('an attempt whose claim was taken over writes no profile and leaves the new identity alone', async () => {
    const { deps, identities, profiles, advance } = setup();
    const { hanging, finish } = hangProfileWrite(profiles);
    const zombie = registerCustomer(deps, input);
    await hanging;
    advance(EMAIL_CLAIM_SECONDS + 1); // the zombie outlived its claim (a function past its timeout)
    const { userId } = await registerCustomer(deps, input);
    finish();
    await expect(zombie).rejects.toMatchObject({ kind: 'CONFLICT' });
    expect([...profiles.profiles.keys()]).toEqual([userId]);
    expect(identities.users.get('ada@example.com')!.sub).toBe(userId);
  });
});
