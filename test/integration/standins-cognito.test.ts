import {
  AdminAddUserToGroupCommand,
  AdminDeleteUserAttributesCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  GetUserCommand,
  DescribeUserPoolCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { clientConfig } from '../../local/standins/aws';
import { type CognitoStandIn, startCognito } from '../../local/standins/cognito';
import { unverifiedClaims, USER_GROUPS } from '../../lambdas/shared/auth-claims';
import { totp } from '../support/totp';

// What cognito-local supports of the account features (sign-up, TOTP MFA, sign-out), pinned down so
// the notes in local/standins/cognito.ts stay true: when an upgrade changes a behaviour, this fails.
let cognito: CognitoStandIn;
let idp: CognitoIdentityProviderClient;
const password = 'Corr3ct-Horse!';

beforeAll(async () => {
  cognito = await startCognito();
  idp = new CognitoIdentityProviderClient(clientConfig(cognito.endpoint));
}, 30_000);

afterAll(async () => {
  idp?.destroy();
  await cognito?.stop();
});

async function signUpConfirmed(email: string, pw = password): Promise<void> {
  await idp.send(
    new SignUpCommand({ ClientId: cognito.clientId, Username: email, Password: pw, UserAttributes: [{ Name: 'email', Value: email }] }),
  );
  // The code goes to the stand-in instead of an inbox, and may arrive after SignUp's response: take it
  // when it is there (no deadline to miss under load; the test's timeout bounds the wait).
  const code = await cognito.takeCode(email);
  await idp.send(new ConfirmSignUpCommand({ ClientId: cognito.clientId, Username: email, ConfirmationCode: code }));
}

const login = (email: string, pw = password) =>
  idp.send(
    new InitiateAuthCommand({
      ClientId: cognito.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: pw },
    }),
  );

it('supports TOTP MFA end to end', async () => {
  const email = 'mfa@example.com';
  await signUpConfirmed(email);
  const { AccessToken } = (await login(email)).AuthenticationResult!;
  const { SecretCode } = await idp.send(new AssociateSoftwareTokenCommand({ AccessToken }));
  await expect(idp.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: '000000' }))).rejects.toMatchObject({
    name: 'CodeMismatchException',
  });
  expect((await idp.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: totp(SecretCode!) }))).Status).toBe('SUCCESS');
  await idp.send(new SetUserMFAPreferenceCommand({ AccessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));

  const challenge = await login(email);
  expect(challenge.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
  const answer = (code: string) =>
    idp.send(
      new RespondToAuthChallengeCommand({
        ClientId: cognito.clientId,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: challenge.Session,
        ChallengeResponses: { USERNAME: email, SOFTWARE_TOKEN_MFA_CODE: code },
      }),
    );
  await expect(answer('000000')).rejects.toMatchObject({ name: 'CodeMismatchException' });
  // The code that verified the authenticator went to VerifySoftwareToken, not to a sign-in: usable here.
  const signedIn = (await answer(totp(SecretCode!))).AuthenticationResult!;
  expect(signedIn.IdToken).toBeDefined();
  // Its refresh token works, as Cognito's does (cognito-guard.cjs keeps it: cognito-local did not).
  const refreshed = await idp.send(
    new InitiateAuthCommand({
      ClientId: cognito.clientId,
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN: signedIn.RefreshToken! },
    }),
  );
  expect(refreshed.AuthenticationResult?.IdToken).toBeDefined();
});

it('refreshes tokens, and RevokeToken stops the refresh token', async () => {
  const email = 'refresh@example.com';
  await signUpConfirmed(email);
  const { RefreshToken } = (await login(email)).AuthenticationResult!;
  const refresh = () =>
    idp.send(
      new InitiateAuthCommand({
        ClientId: cognito.clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: RefreshToken! },
      }),
    );
  expect((await refresh()).AuthenticationResult?.IdToken).toBeDefined();
  await idp.send(new RevokeTokenCommand({ ClientId: cognito.clientId, Token: RefreshToken }));
  await expect(refresh()).rejects.toMatchObject({ name: 'NotAuthorizedException' });
});

it('updates attributes through the access token', async () => {
  const email = 'attrs@example.com';
  await signUpConfirmed(email);
  const { AccessToken } = (await login(email)).AuthenticationResult!;
  await idp.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'name', Value: 'Ada' }] }));
  const user = await idp.send(new GetUserCommand({ AccessToken }));
  expect(user.UserAttributes).toContainEqual({ Name: 'name', Value: 'Ada' });
});

it("refuses the attributes the app client may not write: email, custom:mfa_enabled, custom:agent_locations (attack: take an admin's email)", async () => {
  const email = 'attrs-guard@example.com';
  await signUpConfirmed(email);
  const { AccessToken } = (await login(email)).AuthenticationResult!;
  for (const attribute of [
    { Name: 'email', Value: 'admin@carrental.local' },
    { Name: 'custom:mfa_enabled', Value: 'true' },
    { Name: 'custom:agent_locations', Value: 'LAX' },
  ]) {
    await expect(idp.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [attribute] }))).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
  }
  const user = await idp.send(new GetUserCommand({ AccessToken }));
  expect(user.UserAttributes).toContainEqual({ Name: 'email', Value: email });
  expect(user.UserAttributes?.find((a) => a.Name === 'custom:mfa_enabled')).toBeUndefined();
  expect(user.UserAttributes?.find((a) => a.Name === 'custom:agent_locations')).toBeUndefined();
});

// Counter agents (issue 20): what appointing and dismissing one does (adapters/accounts/cognito-identities.ts).
describe('counter agents: the group and custom:agent_locations', () => {
  const email = 'agent@example.com';
  const admin = (Command: any, input: Record<string, unknown>) =>
    idp.send(new Command({ UserPoolId: cognito.userPoolId, Username: email, ...input }));
  const idClaims = async () => unverifiedClaims((await login(email)).AuthenticationResult!.IdToken!);

  beforeAll(() => signUpConfirmed(email));

  it('the pool has every group and both back-end attributes', async () => {
    const groups = await idp.send(new ListGroupsCommand({ UserPoolId: cognito.userPoolId }));
    expect(groups.Groups?.map((g) => g.GroupName).sort()).toEqual([...USER_GROUPS].sort());
    const pool = await idp.send(new DescribeUserPoolCommand({ UserPoolId: cognito.userPoolId }));
    expect(pool.UserPool?.SchemaAttributes?.map((a) => a.Name)).toEqual(
      expect.arrayContaining(['custom:mfa_enabled', 'custom:agent_locations']),
    );
  });

  it('copies the group and the locations into ID tokens issued after the appointment, by sign-in and by refresh', async () => {
    const before = (await login(email)).AuthenticationResult!;
    expect(unverifiedClaims(before.IdToken!)['custom:agent_locations']).toBeUndefined();
    await admin(AdminAddUserToGroupCommand, { GroupName: 'agent' });
    await admin(AdminUpdateUserAttributesCommand, { UserAttributes: [{ Name: 'custom:agent_locations', Value: 'LAX,SFO' }] });
    expect(await idClaims()).toMatchObject({ 'cognito:groups': ['agent'], 'custom:agent_locations': 'LAX,SFO' });
    const refreshed = await idp.send(
      new InitiateAuthCommand({
        ClientId: cognito.clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: before.RefreshToken! },
      }),
    );
    expect(unverifiedClaims(refreshed.AuthenticationResult!.IdToken!)).toMatchObject({ 'custom:agent_locations': 'LAX,SFO' });
  });

  it('supports AdminRemoveUserFromGroup and AdminDeleteUserAttributes: new tokens carry neither', async () => {
    await admin(AdminRemoveUserFromGroupCommand, { GroupName: 'agent' });
    // Removing again (a retried dismissal) is no error.
    await admin(AdminRemoveUserFromGroupCommand, { GroupName: 'agent' });
    await admin(AdminDeleteUserAttributesCommand, { UserAttributeNames: ['custom:agent_locations'] });
    const claims = await idClaims();
    expect(claims['cognito:groups']).toBeUndefined();
    expect(claims['custom:agent_locations']).toBeUndefined();
    const user = await idp.send(new AdminGetUserCommand({ UserPoolId: cognito.userPoolId, Username: email }));
    expect(user.UserAttributes?.find((a) => a.Name === 'custom:agent_locations')).toBeUndefined();
  });

  it('answers UserNotFoundException for an unknown user on the group calls (the 404 the API gives), not on the attribute update', async () => {
    for (const Command of [AdminAddUserToGroupCommand, AdminRemoveUserFromGroupCommand])
      await expect(
        idp.send(new Command({ UserPoolId: cognito.userPoolId, Username: 'no-such-user', GroupName: 'agent' })),
      ).rejects.toMatchObject({ name: 'UserNotFoundException' });
    // Unlike Cognito's UserNotFoundException: why the adapter calls the group first.
    await expect(
      idp.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: cognito.userPoolId,
          Username: 'no-such-user',
          UserAttributes: [{ Name: 'custom:agent_locations', Value: 'LAX' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });
});

describe('MFA challenge sessions (attack: tokens from a hand-made session, the same session and code twice)', () => {
  const email = 'mfa-guard@example.com';
  let secret: string;
  const answer = (session: string | undefined, code: string, username = email) =>
    idp.send(
      new RespondToAuthChallengeCommand({
        ClientId: cognito.clientId,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: session,
        ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: code },
      }),
    );
  /** A code of the authenticator not used yet: the current one, or the next once that was used. */
  const freshCode = (() => {
    const used = new Set<string>();
    return async () => {
      for (;;) {
        const code = totp(secret);
        if (!used.has(code)) return (used.add(code), code);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    };
  })();

  beforeAll(async () => {
    await signUpConfirmed(email);
    await signUpConfirmed('mfa-other@example.com');
    const { AccessToken } = (await login(email)).AuthenticationResult!;
    secret = (await idp.send(new AssociateSoftwareTokenCommand({ AccessToken }))).SecretCode!;
    await idp.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: totp(secret) }));
    await idp.send(new SetUserMFAPreferenceCommand({ AccessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
  });

  it('refuses a session it did not issue, with a valid code', async () => {
    await expect(answer('00000000-0000-4000-8000-000000000000', totp(secret))).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('accepts a session once, and a code once (also with a new session)', async () => {
    const { Session } = await login(email);
    const code = await freshCode();
    expect((await answer(Session, code)).AuthenticationResult?.IdToken).toBeDefined();
    await expect(answer(Session, code)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    const again = await login(email);
    await expect(answer(again.Session, code)).rejects.toMatchObject({ name: 'CodeMismatchException' });
  }, 70_000);

  it("refuses one user's session for another user", async () => {
    const { Session } = await login(email);
    await expect(answer(Session, totp(secret), 'mfa-other@example.com')).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('lets a wrong code be corrected, but 3 wrong codes use the session up', async () => {
    const { Session } = await login(email);
    await expect(answer(Session, '000000')).rejects.toMatchObject({ name: 'CodeMismatchException' });
    await expect(answer(Session, '000001')).rejects.toMatchObject({ name: 'CodeMismatchException' });
    await expect(answer(Session, '000002')).rejects.toMatchObject({ name: 'CodeMismatchException' });
    await expect(answer(Session, await freshCode())).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  }, 70_000);
});

describe('known gaps (the API must not rely on cognito-local for these)', () => {
  it('does not support GlobalSignOut', async () => {
    const email = 'signout@example.com';
    await signUpConfirmed(email);
    const { AccessToken } = (await login(email)).AuthenticationResult!;
    await expect(idp.send(new GlobalSignOutCommand({ AccessToken }))).rejects.toThrow(/unsupported/i);
  });

  it('does not enforce the password policy', async () => {
    await expect(signUpConfirmed('weak@example.com', 'weak')).resolves.toBeUndefined();
  });

  it('lets disabled users log in', async () => {
    const email = 'disabled@example.com';
    await signUpConfirmed(email);
    await idp.send(new AdminDisableUserCommand({ UserPoolId: cognito.userPoolId, Username: email }));
    expect((await login(email)).AuthenticationResult).toBeDefined();
  });

  it('reports a wrong password as InvalidPasswordException, not NotAuthorizedException', async () => {
    await signUpConfirmed('wrongpw@example.com');
    await expect(login('wrongpw@example.com', 'Not-the-Passw0rd')).rejects.toMatchObject({ name: 'InvalidPasswordException' });
  });
});
