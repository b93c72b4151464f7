import {
  AdminAddUserToGroupCommand,
  AdminDeleteUserAttributesCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { accountsRoutes as routes } from '../../../lambdas/api/routes/accounts';
import { appointAgent, dismissAgent } from '../../../lambdas/domain/accounts/agents';
import { handler } from '../../../lambdas/handlers/accounts/manage-agents';
import { parseRequest } from '../../../lambdas/http/request';
import { MFA_ENABLED_CLAIM } from '../../../lambdas/shared/auth-claims';
import { AppError, type FieldIssue } from '../../../lambdas/shared/errors';
import { ENV } from '../../../lambdas/shared/env-names';
import { apiEvent, context } from '../../support/api-event';
import { FakeIdentities } from './fakes';

/** Appointing counter agents (issue 20): the body, the use case, and the handler on its Cognito calls. */
const appointBody = (body: unknown) =>
  parseRequest(routes.appointAgent, apiEvent({ httpMethod: 'PUT', pathParameters: { userId: 'user-1' }, body: JSON.stringify(body) })).body;
const issuesOf = (body: unknown): FieldIssue[] => {
  try {
    appointBody(body);
    return [];
  } catch (err) {
    if (err instanceof AppError && err.kind === 'VALIDATION') return (err.details as { fields: FieldIssue[] }).fields;
    throw err;
  }
};

describe('PUT /v2/users/{userId}/agent body', () => {
  it('takes one or more known location codes', () => {
    expect(appointBody({ locations: ['LAX'] })).toEqual({ locations: ['LAX'] });
    expect(appointBody({ locations: ['LAX', 'SFO'] })).toEqual({ locations: ['LAX', 'SFO'] });
  });
  it.each([
    ['no locations', { locations: [] }, 'body.locations'],
    ['locations missing', {}, 'body.locations'],
    ['an unknown code', { locations: ['LAX', 'XXX'] }, 'body.locations.1'],
    ['a code twice', { locations: ['LAX', 'SFO', 'LAX'] }, 'body.locations.2'],
    ['not a list', { locations: 'LAX' }, 'body.locations'],
    ['a field of its own (nobody sets a role through a body)', { locations: ['LAX'], role: 'admin' }, 'body.role'],
  ])('refuses %s, naming the field', (_, body, field) => {
    expect(issuesOf(body).map((i) => i.field)).toContain(field);
  });
});

describe('appointAgent / dismissAgent', () => {
  it('records each location once, and ends the appointment; an unknown user is not found', async () => {
    const identities = new FakeIdentities();
    const sub = await identities.createUser({ email: 'a@example.com', password: 'x' }, 'customer', true);
    expect(await appointAgent({ identities }, sub, ['LAX', 'SFO', 'LAX'])).toEqual({ userId: sub, locations: ['LAX', 'SFO'] });
    expect(identities.agents.get(sub)).toEqual(['LAX', 'SFO']);
    await dismissAgent({ identities }, sub);
    expect(identities.agents.has(sub)).toBe(false);
    await expect(appointAgent({ identities }, 'nobody', ['LAX'])).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    await expect(dismissAgent({ identities }, 'nobody')).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });
});

describe('manageAgents handler on Cognito', () => {
  const cognito = mockClient(CognitoIdentityProviderClient);
  const saved = { ...process.env };
  const admin = { sub: 'admin-1', 'cognito:groups': 'admin', email_verified: 'true', [MFA_ENABLED_CLAIM]: 'true' };
  const event = (method: 'PUT' | 'DELETE', claims: Record<string, unknown>, body?: unknown): APIGatewayProxyEvent => {
    const e = apiEvent({
      httpMethod: method,
      resource: '/users/{userId}/agent',
      pathParameters: { userId: 'user-1' },
      claims,
      body: body === undefined ? null : JSON.stringify(body),
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
    });
    return { ...e, requestContext: { ...e.requestContext, stage: 'v2' } };
  };

  beforeEach(() => {
    cognito.reset();
    process.env[ENV.userPoolId] = 'pool-1';
    process.env[ENV.userPoolClientId] = 'client-1';
    process.env[ENV.validateResponses] = 'true';
  });
  afterEach(() => (process.env = { ...saved }));

  it('PUT: the agent group, then the locations as "LAX,SFO" (what the principal reads)', async () => {
    const res = await handler(event('PUT', admin, { locations: ['LAX', 'SFO'] }), context);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ userId: 'user-1', locations: ['LAX', 'SFO'] });
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)[0].args[0].input).toEqual({
      UserPoolId: 'pool-1',
      Username: 'user-1',
      GroupName: 'agent',
    });
    expect(cognito.commandCalls(AdminUpdateUserAttributesCommand)[0].args[0].input).toEqual({
      UserPoolId: 'pool-1',
      Username: 'user-1',
      UserAttributes: [{ Name: 'custom:agent_locations', Value: 'LAX,SFO' }],
    });
  });

  it('DELETE: out of the group first, then the locations removed; 204', async () => {
    const res = await handler(event('DELETE', admin), context);
    expect(res.statusCode).toBe(204);
    expect(cognito.calls().map((c) => c.args[0].constructor.name)).toEqual([
      AdminRemoveUserFromGroupCommand.name,
      AdminDeleteUserAttributesCommand.name,
    ]);
    expect(cognito.commandCalls(AdminDeleteUserAttributesCommand)[0].args[0].input.UserAttributeNames).toEqual(['custom:agent_locations']);
  });

  it('an unknown user is a 404, and nothing is written', async () => {
    const unknown = new UserNotFoundException({ message: 'User does not exist.', $metadata: {} });
    cognito.on(AdminAddUserToGroupCommand).rejects(unknown);
    cognito.on(AdminRemoveUserFromGroupCommand).rejects(unknown);
    expect((await handler(event('PUT', admin, { locations: ['LAX'] }), context)).statusCode).toBe(404);
    expect((await handler(event('DELETE', admin), context)).statusCode).toBe(404);
    expect(cognito.commandCalls(AdminUpdateUserAttributesCommand)).toHaveLength(0);
    expect(cognito.commandCalls(AdminDeleteUserAttributesCommand)).toHaveLength(0);
  });

  it('is for admins with MFA only: not agents, not admins without MFA', async () => {
    const agent = { sub: 'agent-1', 'cognito:groups': 'agent', [MFA_ENABLED_CLAIM]: 'true', 'custom:agent_locations': 'LAX' };
    const noMfaAdmin = { sub: 'admin-2', 'cognito:groups': 'admin' };
    for (const claims of [agent, noMfaAdmin]) {
      expect((await handler(event('PUT', claims, { locations: ['LAX'] }), context)).statusCode).toBe(403);
      expect((await handler(event('DELETE', claims), context)).statusCode).toBe(403);
    }
    expect(cognito.calls()).toHaveLength(0);
  });
});
