import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddCustomAttributesCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  SetUserPoolMfaConfigCommand,
  UpdateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { PASSWORD_POLICY } from '../../lambdas/domain/accounts/password-policy';
import { BACK_END_ATTRIBUTES, CLIENT_WRITABLE_ATTRIBUTES, USER_GROUPS } from '../../lambdas/shared/auth-claims';
import { clientConfig } from './aws';
import { startRunner } from './runner';

/**
 * Cognito user pools via cognito-local, run by cognito-runner.cjs in a child process with its data in
 * a directory we choose (a temp dir unless given). Issued tokens are RS256 JWTs whose issuer is
 * `<endpoint>/<poolId>`, with the JWKS at `<issuer>/.well-known/jwks.json`.
 *
 * What cognito-local 5.3 supports, checked by test/integration/standins-cognito.test.ts:
 *   works: SignUp (+ ConfirmSignUp with the code, see takeCode), AdminCreateUser (MessageAction
 *     SUPPRESS; a TemporaryPassword gives NEW_PASSWORD_REQUIRED on login), AdminSetUserPassword
 *     (Permanent), AdminAddUserToGroup, AdminConfirmSignUp, AdminGetUser, GetUser,
 *     UpdateUserAttributes, InitiateAuth USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH, TOTP MFA
 *     (AssociateSoftwareToken -> VerifySoftwareToken -> SetUserMFAPreference, then login answers
 *     SOFTWARE_TOKEN_MFA and RespondToAuthChallenge accepts a valid code, rejects a wrong one),
 *     RevokeToken (the refresh token stops working).
 *   made to behave as Cognito by cognito-guard.cjs: challenge sessions are unforgeable, bound to
 *     the user and client, single-use and expire after 3 minutes; a TOTP code is not accepted twice;
 *     the app client's WriteAttributes are enforced on a user's own UpdateUserAttributes.
 *   ID tokens carry sub, email, email_verified, token_use "id", aud = client id, iss, and
 *     cognito:groups (omitted when the user is in no group, as in Cognito). Tokens live 24 h.
 *   missing or different: GlobalSignOut and AdminUserGlobalSignOut are unsupported (HTTP 500
 *     CognitoLocal#Unsupported); the password policy is stored but NOT enforced; disabled users can
 *     still log in; a wrong password gives InvalidPasswordException (Cognito: NotAuthorizedException);
 *     access tokens passed to GetUser etc. are not signature-checked; revoking a refresh token does
 *     not invalidate access tokens already issued.
 *
 * Caveat: cognito-local signs every token with a key pair shipped inside the npm package, so anyone
 * can mint tokens it accepts. Fine on a laptop; never expose it.
 */
export interface CognitoStandIn {
  endpoint: string;
  userPoolId: string;
  clientId: string;
  issuer: string;
  jwksUri: string;
  /** Runner pid, or undefined when COGNITO_ENDPOINT is used. */
  pid?: number;
  /**
   * The oldest confirmation/verification code sent to this destination (email) and not yet taken, when it
   * arrives: cognito-local reports it on another channel than its HTTP answer, so it may come just after
   * SignUp's response. cognito-local only.
   */
  takeCode(destination: string): Promise<string>;
  stop(): Promise<void>;
}

/** Where a pool is and how its tokens are checked: the keys sit under the issuer, in Cognito and cognito-local alike. */
const poolAt = (endpoint: string, userPoolId: string, clientId: string, issuer: string) => ({
  endpoint,
  userPoolId,
  clientId,
  issuer,
  jwksUri: `${issuer}/.well-known/jwks.json`,
});

/** Codes per destination, in the order sent; a taker waits for the next one when none is queued. */
class CodeQueues {
  private readonly queued = new Map<string, string[]>();
  private readonly waiting = new Map<string, Array<(code: string) => void>>();

  put(destination: string, code: string): void {
    const taker = this.waiting.get(destination)?.shift();
    if (taker) taker(code);
    else this.queued.set(destination, [...(this.queued.get(destination) ?? []), code]);
  }

  take(destination: string): Promise<string> {
    const code = this.queued.get(destination)?.shift();
    if (code !== undefined) return Promise.resolve(code);
    return new Promise((resolve) => this.waiting.set(destination, [...(this.waiting.get(destination) ?? []), resolve]));
  }
}

export const POOL_NAME = 'car-rental-local';
export const CLIENT_NAME = 'car-rental-web';

export async function startCognito(opts: { dataDir?: string; log?: (msg: string) => void } = {}): Promise<CognitoStandIn> {
  if (process.env.COGNITO_ENDPOINT) return await externalCognito(process.env.COGNITO_ENDPOINT);

  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'cognito-local-')));
  await mkdir(dataDir, { recursive: true });
  const codes = new CodeQueues();
  const log = opts.log ?? (() => {});
  const runner = await startRunner<{ endpoint: string }>('cognito-runner.cjs', {
    what: 'cognito-local',
    timeoutMs: 15_000,
    env: { ...process.env, COGNITO_DATA_DIR: dataDir },
    onMessage: ({ code, destination }) => {
      codes.put(String(destination), String(code));
      log(`cognito-local: code ${String(code)} sent to ${String(destination)}`);
    },
  });
  const { endpoint } = runner.ready;
  const stop = async () => {
    await runner.stop();
    if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const { userPoolId, clientId } = await provisionPool(endpoint);
    return {
      ...poolAt(endpoint, userPoolId, clientId, `${endpoint}/${userPoolId}`),
      pid: runner.pid,
      takeCode: (d) => codes.take(d),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The app client as the stack makes it: password and refresh sign-in, revocable, few writable attributes. */
const CLIENT_SETTINGS = {
  ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH' as const, 'ALLOW_REFRESH_TOKEN_AUTH' as const],
  EnableTokenRevocation: true,
  WriteAttributes: [...CLIENT_WRITABLE_ATTRIBUTES],
};

/** Finds or creates the pool, app client, groups and custom attribute the stack defines; idempotent for a kept data dir. */
async function provisionPool(endpoint: string): Promise<{ userPoolId: string; clientId: string }> {
  const idp = new CognitoIdentityProviderClient(clientConfig(endpoint));
  try {
    const pools = await idp.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    let userPoolId = pools.UserPools?.find((p) => p.Name === POOL_NAME)?.Id;
    if (!userPoolId) {
      const created = await idp.send(
        new CreateUserPoolCommand({
          PoolName: POOL_NAME,
          UsernameAttributes: ['email'],
          AutoVerifiedAttributes: ['email'],
          Policies: {
            PasswordPolicy: {
              MinimumLength: PASSWORD_POLICY.minLength,
              RequireUppercase: PASSWORD_POLICY.requireUppercase,
              RequireLowercase: PASSWORD_POLICY.requireLowercase,
              RequireNumbers: PASSWORD_POLICY.requireDigits,
              RequireSymbols: PASSWORD_POLICY.requireSymbols,
            },
          },
          MfaConfiguration: 'OPTIONAL',
        }),
      );
      userPoolId = created.UserPool!.Id!;
      await idp.send(
        new SetUserPoolMfaConfigCommand({
          UserPoolId: userPoolId,
          MfaConfiguration: 'OPTIONAL',
          SoftwareTokenMfaConfiguration: { Enabled: true },
        }),
      );
    }
    await ensureGroups(idp, userPoolId);
    const clients = await idp.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }));
    let clientId = clients.UserPoolClients?.find((c) => c.ClientName === CLIENT_NAME)?.ClientId;
    if (!clientId) {
      const created = await idp.send(
        new CreateUserPoolClientCommand({
          UserPoolId: userPoolId,
          ClientName: CLIENT_NAME,
          ...CLIENT_SETTINGS,
        }),
      );
      clientId = created.UserPoolClient!.ClientId!;
    } else {
      // A pool kept from before the write attributes were narrowed gets them narrowed too.
      await idp.send(
        new UpdateUserPoolClientCommand({
          UserPoolId: userPoolId,
          ClientId: clientId,
          ...CLIENT_SETTINGS,
        }),
      );
    }
    await ensureBackEndAttributes(idp, userPoolId);
    return { userPoolId, clientId };
  } finally {
    idp.destroy();
  }
}

/**
 * The stack declares the custom attributes only the back end writes (custom:mfa_enabled,
 * custom:agent_locations; see shared/auth-claims.ts) on its pool; a local or external pool gets them
 * here, one at a time so that one added before does not stop the others.
 */
async function ensureBackEndAttributes(idp: CognitoIdentityProviderClient, userPoolId: string): Promise<void> {
  for (const Name of BACK_END_ATTRIBUTES) {
    try {
      await idp.send(
        new AddCustomAttributesCommand({
          UserPoolId: userPoolId,
          CustomAttributes: [{ Name, AttributeDataType: 'String', Mutable: true }],
        }),
      );
    } catch (err) {
      // Adding one twice is refused, which is fine.
      if (!/already/i.test((err as Error).message)) throw err;
    }
  }
}

/**
 * The stack's groups, the missing ones only: a pool kept from before a role was added (such as `agent`)
 * gets it, and an existing group is left alone (cognito-local's CreateGroup would replace it, members
 * and all).
 */
async function ensureGroups(idp: CognitoIdentityProviderClient, userPoolId: string): Promise<void> {
  const existing = new Set((await idp.send(new ListGroupsCommand({ UserPoolId: userPoolId, Limit: 60 }))).Groups?.map((g) => g.GroupName));
  for (const GroupName of USER_GROUPS.filter((g) => !existing.has(g)))
    await idp.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName }));
}

/** A Cognito (real or an already running emulator) named by COGNITO_ENDPOINT; pool and client must be given. */
async function externalCognito(endpoint: string): Promise<CognitoStandIn> {
  const { USER_POOL_ID: userPoolId, USER_POOL_CLIENT_ID: clientId } = process.env;
  if (!userPoolId || !clientId) {
    throw new Error('COGNITO_ENDPOINT is set, so USER_POOL_ID and USER_POOL_CLIENT_ID must be set too.');
  }
  // Real Cognito issues tokens as https://cognito-idp.<region>.amazonaws.com/<poolId>; an emulator as <endpoint>/<poolId>.
  const region = userPoolId.split('_')[0];
  const issuer =
    process.env.COGNITO_ISSUER ??
    (/amazonaws\.com/.test(endpoint)
      ? `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`
      : `${endpoint.replace(/\/$/, '')}/${userPoolId}`);
  const idp = new CognitoIdentityProviderClient(clientConfig(endpoint));
  try {
    await ensureBackEndAttributes(idp, userPoolId);
  } finally {
    idp.destroy();
  }
  return {
    ...poolAt(endpoint, userPoolId, clientId, issuer),
    takeCode: () => Promise.reject(new Error('Codes are known of cognito-local only')),
    stop: async () => {},
  };
}
