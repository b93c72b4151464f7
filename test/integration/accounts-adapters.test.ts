import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { testRedis } from '../support/redis';
import { generate } from 'otplib';
import { CognitoIdentities } from '../../lambdas/adapters/accounts/cognito-identities';
import { DynamoProfileStore, EMAIL_TAKEN } from '../../lambdas/adapters/accounts/dynamo-profile-store';
import { RedisLoginAttempts } from '../../lambdas/adapters/accounts/redis-login-attempts';
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
    const sub = await identities.createUser({ email: address, password }, 'customer');
    const result = await identities.signIn(address, password);
    expect(result.kind).toBe('signedIn');
    const tokens = (result as Extract<typeof result, { kind: 'signedIn' }>).tokens;
    expect(tokens.userId).toBe(sub);
    expect(decodePayload(tokens.idToken)).toMatchObject({ sub, email: address, token_use: 'id', 'cognito:groups': ['customer'] });
    expect(tokens.refreshToken).toBeDefined();
  });

  it('reports an existing email, and one message for unknown email and wrong password', async () => {
    const address = email();
    await identities.createUser({ email: address, password }, 'customer');
    await expect(identities.createUser({ email: address, password }, 'customer')).rejects.toBeInstanceOf(IdentityAlreadyExists);
    await expect(identities.signIn(address, 'Wrong-pass1!')).rejects.toMatchObject({ message: INVALID_CREDENTIALS });
    await expect(identities.signIn(email(), password)).rejects.toMatchObject({ message: INVALID_CREDENTIALS });
  });

  it('deletes users idempotently', async () => {
    const address = email();
    await identities.createUser({ email: address, password }, 'customer');
    await identities.deleteUser(address);
    await identities.deleteUser(address);
    await expect(identities.signIn(address, password)).rejects.toMatchObject({ message: INVALID_CREDENTIALS });
  });

  it('enrols TOTP: sign-in then asks for a code, and the new ID token carries custom:mfa_enabled', async () => {
    const address = email();
    await identities.createUser({ email: address, password }, 'admin');
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
    const sub = await identities.createUser({ email: address, password }, 'customer');
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
    await expect(unreachable.createUser({ email: email(), password }, 'customer')).rejects.toMatchObject({
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
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
  });
  const now = new Date('2030-01-01T00:00:00Z');
  const later = (s: number) => new Date(now.getTime() + s * 1000);

  it('claims an email once; the claim becomes the account with the profile', async () => {
    const address = email();
    const userId = randomUUID();
    await profiles.claimEmail(address, later(60), now);
    await expect(profiles.claimEmail(address, later(60), now)).rejects.toMatchObject({ kind: 'CONFLICT', message: EMAIL_TAKEN });
    await profiles.create(profileFor(userId, address));
    expect(await profiles.get(userId)).toEqual(profileFor(userId, address));
    // An account's email is never released, nor taken over however late.
    await profiles.releaseEmail(address);
    await expect(profiles.claimEmail(address, later(999), later(900))).rejects.toMatchObject({ kind: 'CONFLICT' });
  });

  it('lets a lapsed pending claim be taken over, and a released one be claimed again', async () => {
    const address = email();
    await profiles.claimEmail(address, later(60), now);
    await profiles.claimEmail(address, later(200), later(61));
    await profiles.releaseEmail(address);
    await profiles.claimEmail(address, later(60), now);
  });

  it('updates only the given fields and stamps updatedAt; an unknown user is 404', async () => {
    const address = email();
    const userId = randomUUID();
    await profiles.claimEmail(address, later(60), now);
    await profiles.create(profileFor(userId, address));
    const updated = await profiles.update(userId, { address: '2 Side St', mfaEnabled: true }, later(5));
    expect(updated).toEqual({ ...profileFor(userId, address), address: '2 Side St', mfaEnabled: true, updatedAt: later(5).toISOString() });
    await expect(profiles.update(randomUUID(), { name: 'x' }, now)).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    expect(await profiles.get(randomUUID())).toBeUndefined();
  });

  it('answers 503 when DynamoDB cannot be reached', async () => {
    const dead = new DynamoDBClient({ ...clientConfig('http://127.0.0.1:1'), maxAttempts: 1 });
    clients.push(dead);
    const store = new DynamoProfileStore(DynamoDBDocumentClient.from(dead), 'users');
    await expect(store.get('x')).rejects.toMatchObject({ kind: 'DEPENDENCY_UNAVAILABLE' });
  });
});

describe(`Redis login attempts (${process.env.REDIS_URL ? 'real Redis' : 'ioredis-mock'})`, () => {
  const limits = { account: { maxFailures: 3, windowSeconds: 60 }, client: { maxFailures: 5, windowSeconds: 30 } };

  it('refuses after the limit for the window, per account and per client, and reset forgets the account', async () => {
    const redis = testRedis();
    try {
      const attempts = new RedisLoginAttempts(async () => redis, limits);
      for (let i = 0; i < 3; i++) await attempts.recordFailure('a@x.com', 'ip1');
      const wait = await attempts.retryAfter('a@x.com', 'ip2');
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(60);
      expect(await attempts.retryAfter('b@x.com', 'ip2')).toBe(0);
      await attempts.reset('a@x.com');
      expect(await attempts.retryAfter('a@x.com', 'ip2')).toBe(0);
      for (let i = 0; i < 2; i++) await attempts.recordFailure(`c${i}@x.com`, 'ip1');
      expect(await attempts.retryAfter('new@x.com', 'ip1')).toBeGreaterThan(0); // 5 failures from ip1 in all
    } finally {
      await redis.quit();
    }
  });

  it('fails open when Redis is down', async () => {
    const attempts = new RedisLoginAttempts(async () => {
      throw new Error('connect ECONNREFUSED');
    }, limits);
    await attempts.recordFailure('a@x.com', 'ip');
    expect(await attempts.retryAfter('a@x.com', 'ip')).toBe(0);
  });
});
