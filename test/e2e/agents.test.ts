import { randomUUID } from 'node:crypto';
import { generate } from 'otplib';
import { unverifiedClaims } from '../../lambdas/shared/auth-claims';
import { call, registerCustomer, type Customer } from '../support/booking-client';
import { adminToken, bearer, signInWithTotp } from '../support/tokens';

/**
 * Counter agents (issue 20), over HTTP against the local runtime: an admin appoints a customer as agent
 * at LAX (PUT /v2/users/{userId}/agent), the user turns MFA on and signs in again, and their ID token
 * carries the agent group and the locations; ending the appointment (DELETE) takes them out of the next
 * token. Only admins with MFA may appoint; bad bodies are 400s naming the field.
 */
const password = 'Agent-Pw-1!x';
let admin: string;
let customer: Customer;

beforeAll(async () => {
  [admin, customer] = await Promise.all([adminToken(), registerCustomer()]);
}, 120_000);

/** A new customer who will be appointed: signed in, with the password and access token MFA enrolment needs. */
const newUser = async () => {
  const email = `agent-${randomUUID().slice(0, 8)}@example.com`;
  const registered = await call('POST', '/users/register', {
    body: { name: 'Counter Agent', email, password, phoneNumber: '+14155550123', address: '1 Counter St' },
  });
  expect(registered.status).toBe(201);
  const login = await call('POST', '/users/login', { body: { email, password } });
  expect(login.status).toBe(200);
  return { email, userId: login.body.userId as string, token: login.body.token as string, accessToken: login.body.accessToken as string };
};

const appoint = (userId: string, body: unknown, token = admin) => call('PUT', `/users/${userId}/agent`, { version: 'v2', token, body });
const dismiss = (userId: string, token = admin) => call('DELETE', `/users/${userId}/agent`, { version: 'v2', token });

describe('appointing a counter agent', () => {
  it('an admin appoints a customer at LAX; with MFA on and a new sign-in, their ID token carries the role and the locations', async () => {
    const user = await newUser();
    const appointed = await appoint(user.userId, { locations: ['LAX'] });
    expect(appointed.status).toBe(200);
    expect(appointed.body).toEqual({ userId: user.userId, locations: ['LAX'] });
    // The token from before says nothing of it: the appointment reaches the next one.
    expect(unverifiedClaims(user.token)['custom:agent_locations']).toBeUndefined();

    const withAccess = { ...bearer(user.token), 'x-access-token': user.accessToken };
    const setup = await call('POST', '/users/me/mfa/setup', { headers: withAccess, body: {} });
    expect(setup.status).toBe(200);
    const secret = setup.body.secret as string;
    const verified = await call('POST', '/users/me/mfa/verify', { headers: withAccess, body: { code: await generate({ secret }) } });
    expect(verified.status).toBe(200);

    const session = await signInWithTotp(user.email, password, secret);
    const claims = unverifiedClaims(session.token);
    expect(claims['cognito:groups']).toEqual(expect.arrayContaining(['agent', 'customer']));
    expect(claims).toMatchObject({ 'custom:agent_locations': 'LAX', 'custom:mfa_enabled': 'true' });

    // An agent is no admin: appointing is refused to them.
    const byAgent = await appoint(customer.userId, { locations: ['LAX'] }, session.token);
    expect(byAgent.status).toBe(403);
    expect(byAgent.body.error.code).toBe('FORBIDDEN');

    // Ending it: out of the group, no locations, from the next token on (a refresh is enough).
    expect((await dismiss(user.userId)).status).toBe(204);
    expect((await dismiss(user.userId)).status).toBe(204); // again: still none
    const refreshed = await call('POST', '/users/token/refresh', {
      body: { refreshToken: (session as unknown as { refreshToken: string }).refreshToken },
    });
    expect(refreshed.status).toBe(200);
    const after = unverifiedClaims(refreshed.body.token);
    expect(after['cognito:groups']).not.toContain('agent');
    expect(after['custom:agent_locations']).toBeUndefined();
  }, 120_000);

  it('an admin may change the locations (the answer lists them); an unknown user is a 404', async () => {
    const user = await newUser();
    expect((await appoint(user.userId, { locations: ['LAX'] })).status).toBe(200);
    const changed = await appoint(user.userId, { locations: ['SFO', 'LAX'] });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ userId: user.userId, locations: ['SFO', 'LAX'] });
    const signedIn = await call('POST', '/users/login', { body: { email: user.email, password } });
    expect(unverifiedClaims(signedIn.body.token)).toMatchObject({ 'custom:agent_locations': 'SFO,LAX' });

    const unknown = randomUUID();
    expect((await appoint(unknown, { locations: ['LAX'] })).body.error?.code).toBe('NOT_FOUND');
    expect((await dismiss(unknown)).status).toBe(404);
  }, 60_000);
});

describe('who may appoint, and what', () => {
  it('a customer gets 403, anyone without a token 401; v1 has no such route', async () => {
    const res = await appoint(customer.userId, { locations: ['LAX'] }, customer.token);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect((await dismiss(customer.userId, customer.token)).status).toBe(403);
    expect((await call('PUT', `/users/${customer.userId}/agent`, { version: 'v2', body: { locations: ['LAX'] } })).status).toBe(401);
    expect((await call('PUT', `/users/${customer.userId}/agent`, { token: admin, body: { locations: ['LAX'] } })).status).toBe(404);
  });

  it.each([
    ['no locations', { locations: [] }, 'body.locations'],
    ['locations missing', {}, 'body.locations'],
    ['an unknown location code', { locations: ['LAX', 'XXX'] }, 'body.locations.1'],
    ['a location twice', { locations: ['LAX', 'LAX'] }, 'body.locations.1'],
    ['a field of its own', { locations: ['LAX'], groups: ['admin'] }, 'body.groups'],
  ])('400 for %s, naming the field', async (_, body, field) => {
    const res = await appoint(customer.userId, body);
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
  });
});
