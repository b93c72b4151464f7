import { GetCommand, UpdateCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ApiVersion } from '../../../lambdas/api/route';
import { accountsRoutes as routes } from '../../../lambdas/api/routes/accounts';
import type { Profile } from '../../../lambdas/domain/accounts/model';
import { getProfile, updateProfile } from '../../../lambdas/domain/accounts/profile';
import { handler as getMyProfile } from '../../../lambdas/handlers/accounts/get-my-profile';
import { handler as getUserProfile } from '../../../lambdas/handlers/accounts/get-user-profile';
import { handler as updateMyProfile } from '../../../lambdas/handlers/accounts/update-my-profile';
import { parseRequest } from '../../../lambdas/http/request';
import { MFA_ENABLED_CLAIM } from '../../../lambdas/shared/auth-claims';
import { useClock } from '../../../lambdas/shared/clock';
import { AppError, type FieldIssue } from '../../../lambdas/shared/errors';
import { ENV } from '../../../lambdas/shared/env-names';
import { apiEvent, context } from '../../support/api-event';
import { FakeProfiles } from './fakes';

/** Driver details in the profile (issue 19): v2's schemas, the use case, and the handlers of both versions. */
const NOW = new Date('2026-06-15T10:00:00Z');
const licence = { number: 'MORGA753116SM9IJ', country: 'GB', expiresOn: '2031-01-31' };
const profile: Profile = {
  userId: 'user-1',
  email: 'ada@example.com',
  name: 'Ada',
  phoneNumber: '+14155550123',
  address: '1 Main St',
  role: 'customer',
  mfaEnabled: false,
  emailVerified: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const withDriver: Profile = { ...profile, dateOfBirth: '1990-05-17', licence };

beforeEach(() => useClock({ now: () => NOW }));
afterEach(() => useClock());

const issuesOf = (run: () => unknown): FieldIssue[] => {
  try {
    run();
    return [];
  } catch (err) {
    if (err instanceof AppError && err.kind === 'VALIDATION') return (err.details as { fields: FieldIssue[] }).fields;
    throw err;
  }
};
const patchBody = (body: unknown) =>
  parseRequest(routes.updateMyDriverProfile, apiEvent({ httpMethod: 'PATCH', body: JSON.stringify(body) }));
const patchIssues = (body: unknown) => issuesOf(() => patchBody(body));

describe('PATCH /v2/users/me body', () => {
  it('takes the driver details, trimming the licence number; null removes one', () => {
    expect(patchBody({ dateOfBirth: '1990-05-17', licence: { ...licence, number: '  AB-12 345  ' } }).body).toEqual({
      dateOfBirth: '1990-05-17',
      licence: { ...licence, number: 'AB-12 345' },
    });
    expect(patchBody({ licence: null, dateOfBirth: null }).body).toEqual({ licence: null, dateOfBirth: null });
    expect(patchBody({ name: 'Ada L.' }).body).toEqual({ name: 'Ada L.' });
  });

  it('names each bad field of the licence', () => {
    const issues = patchIssues({ licence: { number: 'AB#12', country: 'gb', expiresOn: '2031-02-30', issuedBy: 'DVLA' } });
    expect(issues.map((i) => i.field).sort()).toEqual([
      'body.licence.country',
      'body.licence.expiresOn',
      'body.licence.issuedBy',
      'body.licence.number',
    ]);
    expect(issues.find((i) => i.field === 'body.licence.number')?.message).toBe('Use 1 to 32 letters, digits, spaces and hyphens.');
    expect(issues.find((i) => i.field === 'body.licence.country')?.message).toMatch(/ISO 3166-1 alpha-2/);
  });

  it('refuses a licence number that is empty once trimmed or longer than 32, a reserved country code, and a partial licence', () => {
    expect(patchIssues({ licence: { ...licence, number: '   ' } }).map((i) => i.field)).toEqual(['body.licence.number']);
    expect(patchIssues({ licence: { ...licence, number: 'A'.repeat(33) } })).toEqual([
      { field: 'body.licence.number', message: 'Use 1 to 32 letters, digits, spaces and hyphens.' },
    ]);
    expect(patchIssues({ licence: { ...licence, country: 'UK' } }).map((i) => i.field)).toEqual(['body.licence.country']);
    expect(
      patchIssues({ licence: { number: 'X1' } })
        .map((i) => i.field)
        .sort(),
    ).toEqual(['body.licence.country', 'body.licence.expiresOn']);
  });

  it('takes a date of birth 16 to 120 years before today (the clock’s), and names the range otherwise', () => {
    expect(patchIssues({ dateOfBirth: '2010-06-15' })).toEqual([]);
    expect(patchIssues({ dateOfBirth: '1906-06-15' })).toEqual([]);
    for (const dateOfBirth of ['2010-06-16', '1906-06-14']) {
      expect(patchIssues({ dateOfBirth })).toEqual([
        { field: 'body.dateOfBirth', message: 'A driver is 16 to 120 years old: give a date of birth from 1906-06-15 to 2010-06-15.' },
      ]);
    }
    // A date that does not exist is named once, by the format.
    expect(patchIssues({ dateOfBirth: '1990-02-30' })).toHaveLength(1);
  });

  it('needs at least one field, and still refuses email, role and unknown fields', () => {
    expect(patchIssues({})).toEqual([{ field: 'body', message: 'Give at least one of name, phoneNumber, address, dateOfBirth, licence.' }]);
    expect(
      patchIssues({ role: 'admin', email: 'x@example.com', name: 'Eve' })
        .map((i) => i.field)
        .sort(),
    ).toEqual(['body.email', 'body.role']);
  });

  it('v1’s PUT body is as it was: driver details are unknown fields there', () => {
    const issues = issuesOf(() =>
      parseRequest(
        routes.updateMyProfile,
        apiEvent({ httpMethod: 'PUT', body: JSON.stringify({ name: 'Ada', dateOfBirth: '1990-05-17', licence }) }),
      ),
    );
    expect(issues.map((i) => i.field).sort()).toEqual(['body.dateOfBirth', 'body.licence']);
  });
});

describe('updateProfile with driver details', () => {
  it('sets, keeps and removes them; other fields stay', async () => {
    const profiles = new FakeProfiles();
    profiles.profiles.set(profile.userId, profile);
    const deps = { profiles, clock: { now: () => NOW } };
    const set = await updateProfile(deps, profile.userId, { dateOfBirth: '1990-05-17', licence });
    expect(set).toEqual({ ...withDriver, updatedAt: NOW.toISOString() });
    // Fields left out stay as they are.
    expect(await updateProfile(deps, profile.userId, { name: 'Ada L.' })).toMatchObject({
      name: 'Ada L.',
      dateOfBirth: '1990-05-17',
      licence,
    });
    const removed = await updateProfile(deps, profile.userId, { licence: null });
    expect(removed).not.toHaveProperty('licence');
    expect(removed.dateOfBirth).toBe('1990-05-17');
    expect(await getProfile(deps, profile.userId)).toEqual(removed);
  });
});

describe('profile handlers: v1 answers as before, v2 with the driver details', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const saved = { ...process.env };
  const customer = { sub: 'user-1', email: 'ada@example.com', email_verified: 'true', 'cognito:groups': 'customer' };
  const admin = {
    sub: 'admin-1',
    email: 'admin@example.com',
    email_verified: 'true',
    'cognito:groups': 'admin',
    [MFA_ENABLED_CLAIM]: 'true',
  };
  const item = { pk: 'USER#user-1', sk: 'PROFILE', ...withDriver };

  beforeEach(() => {
    ddb.reset();
    process.env.USERS_TABLE = 'users';
    // Every answer is checked against its route's schema, as in the local runtime.
    process.env[ENV.validateResponses] = 'true';
  });
  afterEach(() => (process.env = { ...saved }));

  const event = (version: ApiVersion, overrides: Parameters<typeof apiEvent>[0]): APIGatewayProxyEvent => {
    const e = apiEvent(overrides);
    return { ...e, requestContext: { ...e.requestContext, stage: version } };
  };
  const bodyOf = (res: { body: string }) => JSON.parse(res.body) as Record<string, unknown>;

  it('GET /users/me: v1 leaves the driver details out, v2 shows them', async () => {
    ddb.on(GetCommand).resolves({ Item: item });
    const v1 = await getMyProfile(event('v1', { resource: '/users/me', claims: customer }), context);
    expect(v1.statusCode).toBe(200);
    expect(bodyOf(v1)).toEqual(profile);
    const v2 = await getMyProfile(event('v2', { resource: '/users/me', claims: customer }), context);
    expect(bodyOf(v2)).toEqual(withDriver);
  });

  it('GET /users/{userId} for admins: v1 as before, v2 with the driver details', async () => {
    ddb.on(GetCommand).resolves({ Item: item });
    const request = { resource: '/users/{userId}', pathParameters: { userId: 'user-1' }, claims: admin };
    expect(bodyOf(await getUserProfile(event('v1', request), context))).toEqual(profile);
    expect(bodyOf(await getUserProfile(event('v2', request), context))).toEqual(withDriver);
    // A customer is no admin, in either version.
    expect((await getUserProfile(event('v2', { ...request, claims: customer }), context)).statusCode).toBe(403);
  });

  it('PATCH /v2/users/me writes the profile item only: SET what is given, REMOVE what is null', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { ...item, dateOfBirth: undefined, updatedAt: NOW.toISOString() } });
    const res = await updateMyProfile(
      event('v2', { httpMethod: 'PATCH', resource: '/users/me', claims: customer, body: JSON.stringify({ licence, dateOfBirth: null }) }),
      context,
    );
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res)).toMatchObject({ licence });
    const calls = ddb.calls();
    expect(calls).toHaveLength(1);
    const input = ddb.commandCalls(UpdateCommand)[0].args[0].input;
    expect(input).toMatchObject({
      TableName: 'users',
      Key: { pk: 'USER#user-1', sk: 'PROFILE' },
      UpdateExpression: 'SET #licence = :licence, #updatedAt = :updatedAt REMOVE #dateOfBirth',
      ExpressionAttributeValues: { ':licence': licence, ':updatedAt': NOW.toISOString() },
    });
  });

  it('PUT /v1/users/me answers without the driver details the item holds', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { ...item, name: 'Ada L.' } });
    const res = await updateMyProfile(
      event('v1', { httpMethod: 'PUT', resource: '/users/me', claims: customer, body: JSON.stringify({ name: 'Ada L.' }) }),
      context,
    );
    expect(bodyOf(res)).toEqual({ ...profile, name: 'Ada L.' });
  });
});
