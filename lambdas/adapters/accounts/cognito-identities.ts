import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AssociateSoftwareTokenCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  IdentityAlreadyExists,
  invalidCredentials,
  invalidMfaCode,
  invalidMfaSession,
  invalidRefreshToken,
} from '../../domain/accounts/errors';
import type { Role, SessionTokens, SignInResult } from '../../domain/accounts/model';
import type { IdentityProvider } from '../../domain/accounts/ports';
import type { LocationCode } from '../../domain/fleet/catalog';
import { AGENT_LOCATIONS_CLAIM, MFA_ENABLED_CLAIM, unverifiedSubject } from '../../shared/auth-claims';
import { notFound, unauthenticated, validationError } from '../../shared/errors';
import { logger } from '../../shared/logger';
import { orUnavailable } from '../unavailable';

export interface PoolIds {
  userPoolId: string;
  clientId: string;
}

/** Cognito error names -> the domain error each one means for that call. */
type ErrorMap = Record<string, () => Error>;

const unknownUser = { UserNotFoundException: () => notFound('The user') };
const AGENT_GROUP: Role = 'agent';

const badAccessToken = () => unauthenticated('The access token (X-Access-Token) is invalid or expired; sign in again.');

/**
 * The identity provider on Cognito. Users are created by the back end (AdminCreateUser with the
 * welcome message suppressed, then a permanent password), so a new account can sign in at once and
 * Cognito sends no email (the back end sends its own verification code); sign-in uses the app client's USER_PASSWORD_AUTH.
 */
export class CognitoIdentities implements IdentityProvider {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly pool: PoolIds,
  ) {}

  async createUser({ email, password }: { email: string; password: string }, role: Role, emailVerified: boolean): Promise<string> {
    const created = await this.send(
      () =>
        this.client.send(
          new AdminCreateUserCommand({
            UserPoolId: this.pool.userPoolId,
            Username: email,
            MessageAction: 'SUPPRESS',
            UserAttributes: [
              { Name: 'email', Value: email },
              // Customers prove the address with the code we email them (email-verification.ts).
              { Name: 'email_verified', Value: String(emailVerified) },
            ],
          }),
        ),
      { UsernameExistsException: () => new IdentityAlreadyExists(email) },
    );
    const sub = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
    try {
      if (!sub) throw new Error('Cognito created a user without a sub');
      await this.send(
        () =>
          this.client.send(
            new AdminSetUserPasswordCommand({ UserPoolId: this.pool.userPoolId, Username: sub, Password: password, Permanent: true }),
          ),
        // Only reachable when Cognito's policy is stricter than PASSWORD_POLICY, which the schema checks.
        {
          InvalidPasswordException: () =>
            validationError([{ field: 'body.password', message: 'The password does not meet the password policy.' }]),
        },
      );
      await this.send(() =>
        this.client.send(new AdminAddUserToGroupCommand({ UserPoolId: this.pool.userPoolId, Username: sub, GroupName: role })),
      );
      return sub;
    } catch (err) {
      // A user without its password or group must not stay behind; if this fails too, the next
      // registration for the email replaces it (see domain/accounts/register.ts).
      await this.deleteUser(sub ?? email).catch((e: Error) => logger.warn('could not delete a half-created user', { error: e }));
      throw err;
    }
  }

  async deleteUser(emailOrId: string): Promise<void> {
    await this.sendIgnoring(['UserNotFoundException'], () =>
      this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.pool.userPoolId, Username: emailOrId })),
    );
  }

  async signIn(email: string, password: string): Promise<SignInResult> {
    const result = await this.send(
      () =>
        this.client.send(
          new InitiateAuthCommand({
            ClientId: this.pool.clientId,
            AuthFlow: 'USER_PASSWORD_AUTH',
            AuthParameters: { USERNAME: email, PASSWORD: password },
          }),
        ),
      // Cognito answers NotAuthorized for both (preventUserExistenceErrors); cognito-local names them apart.
      {
        NotAuthorizedException: invalidCredentials,
        UserNotFoundException: invalidCredentials,
        InvalidPasswordException: invalidCredentials,
      },
    );
    if (result.AuthenticationResult) return { kind: 'signedIn', tokens: tokensFrom(result.AuthenticationResult) };
    if (result.ChallengeName === 'SOFTWARE_TOKEN_MFA' && result.Session) return { kind: 'mfaRequired', session: result.Session };
    logger.warn('unexpected sign-in challenge', { challenge: result.ChallengeName });
    throw unauthenticated('This account cannot sign in here; ask an administrator.');
  }

  async answerMfaChallenge(email: string, session: string, code: string): Promise<SessionTokens> {
    const result = await this.send(
      () =>
        this.client.send(
          new RespondToAuthChallengeCommand({
            ClientId: this.pool.clientId,
            ChallengeName: 'SOFTWARE_TOKEN_MFA',
            Session: session,
            ChallengeResponses: { USERNAME: email, SOFTWARE_TOKEN_MFA_CODE: code },
          }),
        ),
      {
        CodeMismatchException: invalidMfaCode,
        ExpiredCodeException: invalidMfaCode,
        NotAuthorizedException: invalidMfaSession,
        UserNotFoundException: invalidMfaSession,
        InvalidParameterException: invalidMfaSession,
      },
    );
    if (!result.AuthenticationResult) throw invalidMfaSession();
    return tokensFrom(result.AuthenticationResult);
  }

  async refresh(refreshToken: string): Promise<SessionTokens> {
    const result = await this.send(
      () =>
        this.client.send(
          new InitiateAuthCommand({
            ClientId: this.pool.clientId,
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            AuthParameters: { REFRESH_TOKEN: refreshToken },
          }),
        ),
      {
        NotAuthorizedException: invalidRefreshToken,
        UserNotFoundException: invalidRefreshToken,
        InvalidParameterException: invalidRefreshToken,
      },
    );
    if (!result.AuthenticationResult) throw invalidRefreshToken();
    return tokensFrom(result.AuthenticationResult);
  }

  async revoke(refreshToken: string): Promise<void> {
    // Signing out with a token that is already useless leaves the caller signed out: nothing to report.
    await this.sendIgnoring(['NotAuthorizedException', 'UnsupportedTokenTypeException', 'InvalidParameterException'], () =>
      this.client.send(new RevokeTokenCommand({ ClientId: this.pool.clientId, Token: refreshToken })),
    );
  }

  async associateTotp(accessToken: string): Promise<string> {
    const result = await this.send(() => this.client.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken })), {
      NotAuthorizedException: badAccessToken,
      InvalidParameterException: badAccessToken,
    });
    if (!result.SecretCode) throw new Error('Cognito returned no TOTP secret');
    return result.SecretCode;
  }

  async enableTotp(accessToken: string, code: string): Promise<void> {
    const verified = await this.send(() => this.client.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: code })), {
      CodeMismatchException: invalidMfaCode,
      EnableSoftwareTokenMFAException: invalidMfaCode,
      NotAuthorizedException: badAccessToken,
      InvalidParameterException: badAccessToken,
    });
    if (verified.Status !== 'SUCCESS') throw invalidMfaCode();
    await this.send(
      () =>
        this.client.send(
          new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }),
        ),
      { NotAuthorizedException: badAccessToken },
    );
  }

  async markMfaEnabled(userId: string): Promise<void> {
    await this.setAttribute(userId, MFA_ENABLED_CLAIM, 'true');
  }

  async markEmailVerified(userId: string): Promise<void> {
    await this.setAttribute(userId, 'email_verified', 'true');
  }

  async appointAgent(userId: string, locations: readonly LocationCode[]): Promise<void> {
    // The group first: it answers UserNotFoundException for an unknown user (cognito-local's attribute
    // update another error). A failure between the two leaves an agent with their earlier locations or
    // none (acting nowhere new); the admin's retry finishes it.
    await this.send(
      () =>
        this.client.send(new AdminAddUserToGroupCommand({ UserPoolId: this.pool.userPoolId, Username: userId, GroupName: AGENT_GROUP })),
      unknownUser,
    );
    // The format http/principal.ts (parseAgentLocations) reads.
    await this.setAttribute(userId, AGENT_LOCATIONS_CLAIM, locations.join(','), unknownUser);
  }

  async dismissAgent(userId: string): Promise<void> {
    // Out of the group first: from then on the user acts as agent nowhere, whatever happens to the attribute.
    await this.send(
      () =>
        this.client.send(
          new AdminRemoveUserFromGroupCommand({ UserPoolId: this.pool.userPoolId, Username: userId, GroupName: AGENT_GROUP }),
        ),
      unknownUser,
    );
    await this.send(
      () =>
        this.client.send(
          new AdminDeleteUserAttributesCommand({
            UserPoolId: this.pool.userPoolId,
            Username: userId,
            UserAttributeNames: [AGENT_LOCATIONS_CLAIM],
          }),
        ),
      unknownUser,
    );
  }

  private async setAttribute(userId: string, name: string, value: string, errors: ErrorMap = {}): Promise<void> {
    await this.send(
      () =>
        this.client.send(
          new AdminUpdateUserAttributesCommand({
            UserPoolId: this.pool.userPoolId,
            // The sub is the username of a pool with email sign-in: it names one user for good.
            Username: userId,
            UserAttributes: [{ Name: name, Value: value }],
          }),
        ),
      errors,
    );
  }

  /** Calls Cognito: unreachable -> 503, a listed refusal -> its domain error, anything else as is. */
  private async send<T>(call: () => Promise<T>, errors: ErrorMap = {}): Promise<T> {
    try {
      return await orUnavailable('Cognito', call);
    } catch (err) {
      const mapped = errors[(err as Error).name];
      throw mapped ? mapped() : err;
    }
  }

  /** Calls Cognito where the listed refusals mean "already in the desired state". */
  private async sendIgnoring(names: string[], call: () => Promise<unknown>): Promise<void> {
    try {
      await orUnavailable('Cognito', call);
    } catch (err) {
      if (!names.includes((err as Error).name)) throw err;
    }
  }
}

const subOf = (jwt: string): string => {
  const sub = unverifiedSubject(jwt);
  if (!sub) throw new Error('Cognito issued an ID token without sub');
  return sub;
};

const tokensFrom = (result: AuthenticationResultType): SessionTokens => ({
  userId: subOf(result.IdToken!),
  idToken: result.IdToken!,
  accessToken: result.AccessToken!,
  ...(result.RefreshToken ? { refreshToken: result.RefreshToken } : {}),
  expiresIn: result.ExpiresIn ?? 3600,
});
