import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { testRedis } from '../support/redis';
import { generate } from 'otplib';
import { CognitoIdentities } from '../../lambdas/adapters/accounts/cognito-identities';
import { DynamoProfileStore, EMAIL_TAKEN } from '../../lambdas/adapters/accounts/dynamo-profile-store';
import { DynamoEmailCodes } from '../../lambdas/adapters/accounts/dynamo-email-codes';
import { slowHash } from '../../lambdas/domain/accounts/slow-hash';
import { RedisLoginAttempts } from '../../lambdas/adapters/accounts/redis-login-attempts';
import { LayeredLoginAttempts } from '../../lambdas/adapters/accounts/layered-login-attempts';
import { MemoryLoginAttempts } from '../../lambdas/adapters/accounts/memory-login-attempts';
import { redisClient, useRedisFactory } from '../../lambdas/adapters/redis';
import { ENV } from '../../lambdas/shared/env-names';
import type Redis from 'ioredis';
import { SMALL_LIMITS } from '../unit/accounts/fakes';
import { loginLimitScenarios } from '../unit/accounts/login-limit-scenarios';
import { IdentityAlreadyExists, INVALID_CREDENTIALS } from '../../lambdas/domain/accounts/errors';
import type { Profile } from '../../lambdas/domain/accounts/model';
import { clientConfig } from '../../local/standins/aws';
import { startCognito, type CognitoStandIn } from '../../local/standins/cognito';
import { decodePayload } from '../support/jwt';
import { testTables, type TestTables } from '../support/aws-services';

// The accounts adapters against the stand-ins the local runtime uses (cognito-local, DynamoDB Local).
let cognito: CognitoStandIn;
let aws: TestTables;
let identities: CognitoIdentities;
let profiles: DynamoProfileStore;
const clients: Array<{ destroy(): void }> = [];
const password = 'Sup3r-secret!';
const email = () => `user-${randomUUID().slice(0, 8)}@example.com`;

beforeAll(async () => {
  [cognito, aws] = await Promise.all([startCognito(), testTables()]);
  const idp = new CognitoIdentityProviderClient(clientConfig(cognito.endpoint));
  clients.push(idp);
  identities = new CognitoIdentities(idp, { userPoolId: cognito.userPoolId, clientId: cognito.clientId });
  profiles = new DynamoProfileStore(aws.db, aws.names.users);
}, 60_000);

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await Promise.all([cognito?.stop(), aws?.drop()]);
});

describe('Cognito identities (cognito-local)', () => {
  it('creates a user in its group who can sign in at once; the ID token carries sub and group', async () => {
    const address = email();
    const sub = await identities.createUser({ email: address, password }, 'customer', false);
    const result = await identities.signIn(address, password);
    expect(result.kind).toBe('signedIn');
    const tokens = (result as Extract<typeof result, { kind: 'signedIn' }>).tokens;
    expect(tokens.userId).toBe(sub);
    expect(decodePayload(tokens.idToken)).toMatchObject({ sub, email: address, token_use: 'id', 'cognito:groups': ['customer'] });
    expect(tokens.refreshToken).toBeDefined();
  });

  it('a customer starts with email_verified false; marking it verified shows in the refreshed ID token', async () => {
    const address = email();
    const sub = await identities.createUser({ email: address, password }, 'customer', false);
    const result = await identities.signIn(address, password);
    const { idToken, refreshToken } = (result as Extract<typeof result, { kind: 'signedIn' }>).tokens;
    expect(String(decodePayload(idToken).email_verified)).toBe('false');
    await identities.markEmailVerified(sub);
    const refreshed = await identities.refresh(refreshToken!);
    expect(String(decodePayload(refreshed.idToken).email_verified)).toBe('true');
  });

  it('reports an existing email, and one message for unknown email and wrong password', async () => {
    const address = email();
    await identities.createUser({ email: address, password }, 'customer', false);
    await expect(identities.createUser({ email: address, password }, 'customer', false)).rejects.toBeInstanceOf(IdentityAlreadyExists);
    await expect(identities.signIn(address, 'Wrong-pass1!')).rejects.toMatchObject({ message: INVALID_CREDENTIALS });
    await expect(identities.signIn(email(), password)).rejects.toMatchObject({ message: INVALID_CREDENTIALS });
  });

  it('deletes users idempotently', async () => {
    const address = email();
    await identities.createUser({ email: address, password }, 'customer', false);
    await identities.deleteUser(address);
    await identities.deleteUser(address);
    await expect(identities.signIn(address, password)).rejects.toMatchObject({ message: INVALID_CREDENTIALS });
  });

  it('enrols TOTP: sign-in then asks for a code, and the new ID token carries custom:mfa_enabled', async () => {
    const address = email();
    await identities.createUser({ email: address, password }, 'admin', true);
    const first = await identities.signIn(address, password);
    const { accessToken, idToken } = (first as Extract<typeof first, { kind: 'signedIn' }>).tokens;
    expect(decodePayload(idToken)['custom:mfa_enabled']).toBeUndefined();
    const secret = await identities.associateTotp(accessToken);
    await expect(identities.enableTotp(accessToken, '000000')).rejects.toMatchObject({ kind: 'UNAUTHENTICATED' });
    await identities.enableTotp(accessToken, await generate({ secret }));
    await identities.markMfaEnabled(decodePayload(idToken).sub as string);

    const challenge = await identities.signIn(address, password);
    expect(challenge.kind).toBe('mfaRequired');
    const session = (challenge as Extract<typeof challenge, { kind: 'mfaRequired' }>).session;
    await expect(identities.answerMfaChallenge(address, session, '000000')).rejects.toMatchObject({ kind: 'UNAUTHENTICATED' });
    const tokens = await identities.answerMfaChallenge(address, session, await generate({ secret }));
    expect(decodePayload(tokens.idToken)).toMatchObject({ 'custom:mfa_enabled': 'true', 'cognito:groups': ['admin'] });
  });

  it('refreshes until the refresh token is revoked', async () => {
    const address = email();
    const sub = await identities.createUser({ email: address, password }, 'customer', false);
    const result = await identities.signIn(address, password);
    const { refreshToken } = (result as Extract<typeof result, { kind: 'signedIn' }>).tokens;
    await expect(identities.refresh(refreshToken!)).resolves.toMatchObject({ userId: sub });
    await identities.revoke(refreshToken!);
    await identities.revoke(refreshToken!); // signing out twice is fine
    await expect(identities.refresh(refreshToken!)).rejects.toMatchObject({ kind: 'UNAUTHENTICATED' });
  });

  it('answers 503 (DEPENDENCY_UNAVAILABLE with Retry-After) when Cognito cannot be reached', async () => {
    const dead = new CognitoIdentityProviderClient({ ...clientConfig('http://127.0.0.1:1'), maxAttempts: 1 });
    clients.push(dead);
    const unreachable = new CognitoIdentities(dead, { userPoolId: cognito.userPoolId, clientId: cognito.clientId });
    await expect(unreachable.createUser({ email: email(), password }, 'customer', false)).rejects.toMatchObject({
      kind: 'DEPENDENCY_UNAVAILABLE',
      retryAfterSeconds: expect.any(Number),
    });
    await expect(unreachable.signIn(email(), password)).rejects.toMatchObject({ kind: 'DEPENDENCY_UNAVAILABLE' });
  });
});

describe('DynamoDB profile store (DynamoDB Local)', () => {
  const profileFor = (userId: string, address: string): Profile => ({
    userId,
    email: address,
    name: 'Ada',
    phoneNumber: '+14155550123',
    address: '1 Main St',
    role: 'customer',
    mfaEnabled: false,
    emailVerified: false,
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
  });
  const now = new Date('2030-01-01T00:00:00Z');
  const later = (s: number) => new Date(now.getTime() + s * 1000);

  const claimOf = async (attempt: string, heldUntil: Date) => ({
    attempt,
    heldUntil,
    fingerprint: await slowHash(`request of ${attempt}`),
  });

  it('claims an email once; the claim becomes the account with the profile', async () => {
    const address = email();
    const userId = randomUUID();
    const claim = await claimOf('a1', later(60));
    expect(await profiles.claimEmail(address, claim, now)).toBeUndefined();
    expect(await profiles.claimEmail(address, await claimOf('a2', later(60)), now)).toEqual({
      status: 'pending',
      heldUntil: later(60).getTime(),
      fingerprint: claim.fingerprint,
    });
    await profiles.create(profileFor(userId, address), 'a1');
    expect(await profiles.get(userId)).toEqual(profileFor(userId, address));
    // An account's email is never released, nor taken over however late; its holder says whose it is.
    await profiles.releaseEmail(address);
    expect(await profiles.claimEmail(address, await claimOf('a3', later(999)), later(900))).toEqual({
      status: 'active',
      userId,
      fingerprint: claim.fingerprint,
    });
  });

  it('lets a lapsed pending claim be taken over (the old attempt can no longer finish), and a released one be claimed again', async () => {
    const address = email();
    expect(await profiles.claimEmail(address, await claimOf('old', later(60)), now)).toBeUndefined();
    expect(await profiles.claimEmail(address, await claimOf('new', later(200)), later(61))).toBeUndefined();
    await expect(profiles.create(profileFor(randomUUID(), address), 'old')).rejects.toMatchObject({
      kind: 'CONFLICT',
      message: EMAIL_TAKEN,
    });
    await profiles.releaseEmail(address);
    expect(await profiles.claimEmail(address, await claimOf('again', later(60)), now)).toBeUndefined();
  });

  it('keeps an email code only while it is the one expected (compare-and-set)', async () => {
    const codes = new DynamoEmailCodes(aws.db, aws.names.users);
    const userId = randomUUID();
    const code = { hash: 'h', salt: 's', expiresAt: 2, attempts: 0, sentAt: 1, sends: 1, sendsSince: 1 };
    expect(await codes.replace(userId, code, undefined)).toBe(true);
    expect(await codes.replace(userId, code, undefined)).toBe(false);
    expect(await codes.replace(userId, { ...code, attempts: 1 }, code)).toBe(true);
    expect(await codes.replace(userId, { ...code, attempts: 2 }, code)).toBe(false); // stale: attempts moved on
    expect(await codes.get(userId)).toEqual({ ...code, attempts: 1 });
    // The TTL: a day after the window of counted sends opened (later than the code's own expiry here).
    const { Item } = await aws.db.send(new GetCommand({ TableName: aws.names.users, Key: { pk: `USER#${userId}`, sk: 'EMAIL_CODE' } }));
    expect(Item?.purgeAt).toBe(Math.ceil((1 + 86_400_000) / 1000));
    await codes.delete(userId);
    expect(await codes.get(userId)).toBeUndefined();
  });

  it('updates only the given fields and stamps updatedAt; an unknown user is 404', async () => {
    const address = email();
    const userId = randomUUID();
    await profiles.claimEmail(address, await claimOf('u', later(60)), now);
    await profiles.create(profileFor(userId, address), 'u');
    const updated = await profiles.update(userId, { address: '2 Side St', mfaEnabled: true }, later(5));
    expect(updated).toEqual({ ...profileFor(userId, address), address: '2 Side St', mfaEnabled: true, updatedAt: later(5).toISOString() });
    await expect(profiles.update(randomUUID(), { name: 'x' }, now)).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    expect(await profiles.get(randomUUID())).toBeUndefined();
  });

  it('keeps driver details in the profile item: a licence as a map, null removes a detail (issue 19)', async () => {
    const address = email();
    const userId = randomUUID();
    await profiles.claimEmail(address, await claimOf('d', later(60)), now);
    await profiles.create(profileFor(userId, address), 'd');
    const licence = { number: 'MORGA753116SM9IJ', country: 'GB', expiresOn: '2031-01-31' };
    const set = await profiles.update(userId, { dateOfBirth: '1990-05-17', licence }, later(1));
    expect(set).toEqual({ ...profileFor(userId, address), dateOfBirth: '1990-05-17', licence, updatedAt: later(1).toISOString() });
    expect(await profiles.get(userId)).toEqual(set);
    const removed = await profiles.update(userId, { licence: null, name: 'Ada L.' }, later(2));
    expect(removed).toEqual({ ...set, licence: undefined, name: 'Ada L.', updatedAt: later(2).toISOString() });
    const { Item } = await aws.db.send(new GetCommand({ TableName: aws.names.users, Key: { pk: `USER#${userId}`, sk: 'PROFILE' } }));
    expect(Item).not.toHaveProperty('licence');
    expect(Item?.dateOfBirth).toBe('1990-05-17');
  });

  it('answers 503 when DynamoDB cannot be reached', async () => {
    const dead = new DynamoDBClient({ ...clientConfig('http://127.0.0.1:1'), maxAttempts: 1 });
    clients.push(dead);
    const store = new DynamoProfileStore(DynamoDBDocumentClient.from(dead), 'users');
    await expect(store.get('x')).rejects.toMatchObject({ kind: 'DEPENDENCY_UNAVAILABLE' });
  });
});

describe(`sign-in limits in Redis (${process.env.REDIS_URL ? 'real Redis' : 'ioredis-mock'})`, () => {
  const connections: Redis[] = [];
  afterAll(async () => void (await Promise.all(connections.map((r) => r.quit()))));
  const shared = () => {
    const redis = testRedis();
    connections.push(redis);
    return new RedisLoginAttempts(async () => redis, SMALL_LIMITS);
  };

  describe('Redis alone', () => loginLimitScenarios(shared));
  describe('Redis and memory, as deployed', () =>
    loginLimitScenarios(() => new LayeredLoginAttempts(new MemoryLoginAttempts(SMALL_LIMITS), shared())));

  it('the refusal lasts for what is left of the window (Retry-After)', async () => {
    const attempts = shared();
    for (let i = 0; i < 3; i++) expect(await attempts.reserve('a@x.com', 'ip')).toBe(0);
    const wait = await attempts.reserve('a@x.com', 'ip');
    expect(wait).toBeGreaterThan(55);
    expect(wait).toBeLessThanOrEqual(60);
  });
});

describe('sign-in limits while Redis is unreachable (attack: limits vanish when Redis is down)', () => {
  const saved = process.env[ENV.redisUrl];
  beforeAll(() => {
    // The deployed client, pointed at a port nobody listens on.
    process.env[ENV.redisUrl] = 'redis://127.0.0.1:1';
    useRedisFactory();
  });
  afterAll(() => {
    // Assigning undefined would set the string 'undefined', which later tests would take for a Redis URL.
    if (saved === undefined) delete process.env[ENV.redisUrl];
    else process.env[ENV.redisUrl] = saved;
    useRedisFactory();
  });

  loginLimitScenarios(
    () => new LayeredLoginAttempts(new MemoryLoginAttempts(SMALL_LIMITS), new RedisLoginAttempts(redisClient, SMALL_LIMITS)),
  );

  it('Redis itself refuses to count (so the memory layer is what holds)', async () => {
    await expect(new RedisLoginAttempts(redisClient, SMALL_LIMITS).reserve('a@x.com', 'ip')).rejects.toThrow();
  });
});

describe('sign-in limits survive Redis coming back empty (attack: counters wiped on restart)', () => {
  it('the instance still refuses what it counted before the wipe', async () => {
    const redis = testRedis();
    try {
      const attempts = new LayeredLoginAttempts(
        new MemoryLoginAttempts(SMALL_LIMITS),
        new RedisLoginAttempts(async () => redis, SMALL_LIMITS),
      );
      for (let i = 0; i < 3; i++) expect(await attempts.reserve('a@x.com', 'ip')).toBe(0);
      const keys = await redis.keys('*');
      // keys() answers with the prefix; del() adds it again.
      const prefix = redis.options.keyPrefix ?? '';
      if (keys.length) await redis.del(...keys.map((k) => k.slice(prefix.length)));
      expect(await attempts.reserve('a@x.com', 'ip')).toBeGreaterThan(0);
    } finally {
      await redis.quit();
    }
  });
});
