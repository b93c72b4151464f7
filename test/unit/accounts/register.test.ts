import { createAccount, EMAIL_CLAIM_SECONDS, REPLAY_SECONDS, registerCustomer } from '../../../lambdas/domain/accounts/register';
import { MemoryLoginAttempts } from '../../../lambdas/adapters/accounts/memory-login-attempts';
import { login } from '../../../lambdas/domain/accounts/session';
import { AppError } from '../../../lambdas/shared/errors';
import { FakeEmailCodes, FakeIdentities, FakeMailer, FakeProfiles, SMALL_LIMITS } from './fakes';

const input = { name: 'Ada', email: 'Ada@Example.com', password: 'Sup3r-secret!', phoneNumber: '+14155550123', address: '1 Main St' };
const client = '198.51.100.7';
const setup = () => {
  const identities = new FakeIdentities();
  const profiles = new FakeProfiles();
  const mailer = new FakeMailer();
  let now = new Date('2030-01-01T00:00:00Z');
  const clock = { now: () => now };
  const attempts = new MemoryLoginAttempts(SMALL_LIMITS, () => now.getTime());
  const deps = { identities, profiles, clock, codes: new FakeEmailCodes(), mailer, attempts };
  return { identities, profiles, mailer, attempts, deps, advance: (s: number) => (now = new Date(now.getTime() + s * 1000)) };
};

describe('registration', () => {
  it('creates the identity in the customer group and the profile, keyed by the identity id, email lower-cased', async () => {
    const { deps, identities, profiles } = setup();
    const res = await registerCustomer(deps, input, client);
    // The seed's answer, word for word; the verification hint in a field of its own.
    expect(res).toEqual({
      userId: 'sub-1',
      message: 'User registered successfully',
      emailVerification: { status: 'pending', message: expect.stringContaining('verify your email') },
    });
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
    await registerCustomer(deps, input, client);
    await expect(registerCustomer(deps, { ...input, email: 'ADA@example.COM', password: 'An0ther-secret!' }, client)).rejects.toMatchObject(
      {
        kind: 'CONFLICT',
      },
    );
  });

  it('Cognito down: 503 with Retry-After, no profile, no identity, email free again', async () => {
    const { deps, identities, profiles } = setup();
    identities.failing.add('createUser');
    const err = await registerCustomer(deps, input, client).catch((e: AppError) => e);
    expect(err).toMatchObject({ kind: 'DEPENDENCY_UNAVAILABLE', retryAfterSeconds: expect.any(Number) });
    expect(profiles.profiles.size).toBe(0);
    expect(identities.users.size).toBe(0);
    expect(profiles.claims.size).toBe(0);
    identities.failing.clear();
    await expect(registerCustomer(deps, input, client)).resolves.toMatchObject({ userId: expect.any(String) });
  });

  it('profile write fails: the identity is deleted again, so nothing is half-created', async () => {
    const { deps, identities, profiles } = setup();
    profiles.failing.add('create');
    await expect(registerCustomer(deps, input, client)).rejects.toMatchObject({ kind: 'DEPENDENCY_UNAVAILABLE' });
    expect(identities.users.size).toBe(0);
    expect(profiles.claims.size).toBe(0);
  });

  it('an identity orphaned by a failed undo (Cognito went down mid-way) is replaced by the retry', async () => {
    const { deps, identities, profiles } = setup();
    profiles.failing.add('create');
    identities.failing.add('deleteUser');
    await expect(registerCustomer(deps, input, client)).rejects.toBeInstanceOf(AppError);
    expect(identities.users.size).toBe(1); // the orphan: no profile
    expect(profiles.profiles.size).toBe(0);
    profiles.failing.clear();
    identities.failing.clear();
    const { userId } = await registerCustomer(deps, input, client);
    expect(identities.users.size).toBe(1);
    expect(identities.users.get('ada@example.com')!.sub).toBe(userId);
    expect(profiles.profiles.get(userId)).toBeDefined();
  });

  it('a claim left by a crashed registration blocks only until it lapses', async () => {
    const { deps, profiles, advance } = setup();
    profiles.failing.add('releaseEmail');
    profiles.failing.add('create');
    await expect(registerCustomer(deps, input, client)).rejects.toBeInstanceOf(AppError);
    profiles.failing.clear();
    // Someone else: taken. The same request again: still being completed, retry shortly.
    await expect(registerCustomer(deps, { ...input, password: 'An0ther-secret!' }, client)).rejects.toMatchObject({ kind: 'CONFLICT' });
    await expect(registerCustomer(deps, input, client)).rejects.toMatchObject({ kind: 'DEPENDENCY_UNAVAILABLE', retryAfterSeconds: 10 });
    advance(EMAIL_CLAIM_SECONDS + 1);
    await expect(registerCustomer(deps, input, client)).resolves.toMatchObject({ userId: expect.any(String) });
  });

  it('creates admins in the admin group only through createAccount (never from a request body)', async () => {
    const { deps, identities } = setup();
    const { profile } = await createAccount(deps, { email: 'ops@example.com', password: 'x', name: 'Ops' }, 'admin', 'operator');
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
    const first = registerCustomer(deps, input, client);
    await hanging;
    const during = await registerCustomer(deps, input, client).catch((e: AppError) => e);
    expect(during).toMatchObject({ kind: 'DEPENDENCY_UNAVAILABLE', retryAfterSeconds: expect.any(Number) });
    finish();
    const { userId } = await first; // the write lands after the client gave up
    await expect(registerCustomer(deps, input, client)).resolves.toEqual({
      userId,
      message: 'User registered successfully',
      emailVerification: expect.any(Object),
    });
    expect(identities.users.size).toBe(1);
    expect(profiles.profiles.size).toBe(1);
    expect(mailer.sent).toHaveLength(1); // one code, not one per retry
  });

  it('only the same body is a retry: another password or name gets 409, and after the replay window so does the same body', async () => {
    const { deps, advance } = setup();
    await registerCustomer(deps, input, client);
    await expect(registerCustomer(deps, { ...input, password: 'An0ther-secret!' }, client)).rejects.toMatchObject({ kind: 'CONFLICT' });
    await expect(registerCustomer(deps, { ...input, name: 'Eve' }, client)).rejects.toMatchObject({ kind: 'CONFLICT' });
    advance(REPLAY_SECONDS + 1);
    await expect(registerCustomer(deps, input, client)).rejects.toMatchObject({ kind: 'CONFLICT' });
  });

  it('an attempt whose claim was taken over writes no profile and leaves the new identity alone', async () => {
    const { deps, identities, profiles, advance } = setup();
    const { hanging, finish } = hangProfileWrite(profiles);
    const zombie = registerCustomer(deps, input, client);
    await hanging;
    advance(EMAIL_CLAIM_SECONDS + 1); // the zombie outlived its claim (a function past its timeout)
    const { userId } = await registerCustomer(deps, input, client);
    finish();
    await expect(zombie).rejects.toMatchObject({ kind: 'CONFLICT' });
    expect([...profiles.profiles.keys()]).toEqual([userId]);
    expect(identities.users.get('ada@example.com')!.sub).toBe(userId);
  });
});

/** The refusal a request got, as the client sees it (timing aside). */
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: AppError) => ({ kind: e.kind, message: e.message, details: e.details, retryAfterSeconds: e.retryAfterSeconds }),
  );

describe('registration retries are no password oracle (attack: guessing the password of a new account by retrying its registration)', () => {
  const wrong = (i: number) => ({ ...input, password: `Wr0ng-guess-${i}!` });

  it('the same body is still answered with the account, however often: it does not count as a failed attempt', async () => {
    const { deps } = setup();
    const { userId } = await registerCustomer(deps, input, client);
    for (let i = 0; i < SMALL_LIMITS.pair.maxAttempts + 2; i++)
      await expect(registerCustomer(deps, input, client)).resolves.toEqual({
        userId,
        message: 'User registered successfully',
        emailVerification: expect.any(Object),
      });
  });

  it('a wrong password is answered as an email taken by someone else, and counts: past the sign-in limit the answer is the sign-in 429', async () => {
    const { deps, identities, attempts } = setup();
    await registerCustomer(deps, input, client);
    await registerCustomer(deps, { ...input, email: 'grace@example.com' }, 'elsewhere');
    const unrelated = await refusal(
      registerCustomer(deps, { ...input, email: 'grace@example.com', password: 'Wr0ng-guess-0!' }, 'elsewhere'),
    );
    for (let i = 0; i < SMALL_LIMITS.pair.maxAttempts; i++)
      expect(await refusal(registerCustomer(deps, wrong(i), client))).toEqual(unrelated);
    expect(unrelated).toMatchObject({ kind: 'CONFLICT' });
    // The limit is reached: the right password is not even compared, and sign-in from here waits as well.
    const refused = await refusal(registerCustomer(deps, input, client));
    const signIn = await refusal(login({ identities, attempts }, input.email, input.password, client));
    expect(refused).toEqual({
      kind: 'TOO_MANY_REQUESTS',
      message: signIn.message,
      details: undefined,
      retryAfterSeconds: expect.any(Number),
    });
    expect(signIn).toMatchObject({ kind: 'TOO_MANY_REQUESTS' });
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(SMALL_LIMITS.pair.windowSeconds);
  });

  it('the guesses do not lock the owner out elsewhere: sign-in, and the retry, from another address go through', async () => {
    const { deps, identities, attempts } = setup();
    const { userId } = await registerCustomer(deps, input, client);
    for (let i = 0; i < SMALL_LIMITS.pair.maxAttempts + 2; i++) await refusal(registerCustomer(deps, wrong(i), 'attacker'));
    await expect(registerCustomer(deps, input, 'attacker')).rejects.toMatchObject({ kind: 'TOO_MANY_REQUESTS' });
    await expect(registerCustomer(deps, input, client)).resolves.toEqual({
      userId,
      message: 'User registered successfully',
      emailVerification: expect.any(Object),
    });
    await expect(login({ identities, attempts }, input.email, input.password, 'owner-phone')).resolves.toMatchObject({ kind: 'signedIn' });
  });

  it('past the replay window the right body counts as well, so the counter tells nothing either', async () => {
    const { deps, advance } = setup();
    await registerCustomer(deps, input, client);
    advance(REPLAY_SECONDS + 1);
    for (let i = 0; i < SMALL_LIMITS.pair.maxAttempts; i++)
      await expect(registerCustomer(deps, input, client)).rejects.toMatchObject({ kind: 'CONFLICT' });
    await expect(registerCustomer(deps, input, client)).rejects.toMatchObject({ kind: 'TOO_MANY_REQUESTS' });
  });

  it('a store outage while answering a retry checked nothing: it does not count', async () => {
    const { deps, profiles } = setup();
    const { userId } = await registerCustomer(deps, input, client);
    profiles.failing.add('get');
    for (let i = 0; i < SMALL_LIMITS.pair.maxAttempts + 1; i++)
      await expect(registerCustomer(deps, input, client)).rejects.toMatchObject({ kind: 'DEPENDENCY_UNAVAILABLE' });
    profiles.failing.clear();
    await expect(registerCustomer(deps, input, client)).resolves.toEqual({
      userId,
      message: 'User registered successfully',
      emailVerification: expect.any(Object),
    });
  });
});
