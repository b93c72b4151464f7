import { Duration, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { PASSWORD_POLICY } from '../../lambdas/domain/accounts/password-policy';
import { BACK_END_ATTRIBUTES, CLIENT_WRITABLE_ATTRIBUTES, USER_GROUPS, type Role } from '../../lambdas/shared/auth-claims';

/** Cognito's attribute names -> the CDK's names for them (only those the app client may write). */
const CDK_ATTRIBUTE: Record<(typeof CLIENT_WRITABLE_ATTRIBUTES)[number], keyof cognito.StandardAttributesMask> = {
  name: 'fullname',
  phone_number: 'phoneNumber',
  address: 'address',
};

/** Cognito's precedence (lower wins) for a user in several groups: only its preferred-role claim reads it. */
const GROUP_PRECEDENCE: Record<Role, number> = { admin: 0, agent: 5, customer: 10 };

export interface AuthProps {
  removalPolicy: RemovalPolicy;
  deletionProtection: boolean;
  /** Plus tier with enforced threat protection (adaptive auth, compromised credentials); billed per MAU. */
  threatProtection: boolean;
  /** SES-verified sender address; Cognito's built-in (low daily quota) sender when absent. */
  sesFromEmail?: string;
}

/** The user pool customers, counter agents and admins sign in to, and the public app client the API uses for them. */
export class Auth extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      signInAliases: { email: true },
      signInCaseSensitive: false,
      // Registration goes through the API (AdminCreateUser), which claims the email first.
      selfSignUpEnabled: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      // The same policy the API checks first, so its 400 can name each broken rule.
      passwordPolicy: {
        minLength: PASSWORD_POLICY.minLength,
        requireLowercase: PASSWORD_POLICY.requireLowercase,
        requireUppercase: PASSWORD_POLICY.requireUppercase,
        requireDigits: PASSWORD_POLICY.requireDigits,
        requireSymbols: PASSWORD_POLICY.requireSymbols,
        tempPasswordValidity: Duration.days(3),
      },
      // Set by the back end only (MFA verified, an agent appointed); copied into ID tokens for the
      // "acts as" check and an agent's locations.
      customAttributes: Object.fromEntries(BACK_END_ATTRIBUTES.map((name) => [name, new cognito.StringAttribute({ mutable: true })])),
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // The SES identity must be verified in the stack's region.
      email: props.sesFromEmail
        ? cognito.UserPoolEmail.withSES({ fromEmail: props.sesFromEmail, sesRegion: Stack.of(this).region })
        : undefined,
      featurePlan: props.threatProtection ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      standardThreatProtectionMode: props.threatProtection ? cognito.StandardThreatProtectionMode.FULL_FUNCTION : undefined,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    });

    NagSuppressions.addResourceSuppressions(this.userPool, [
      {
        id: 'AwsSolutions-COG2',
        reason:
          'MFA is optional by product decision: customers may enrol TOTP; admins and counter agents must (enforced by the API, which grants their roles only to tokens with MFA on, not by the pool, since one pool serves all).',
      },
      ...(props.threatProtection
        ? []
        : [
            {
              id: 'AwsSolutions-COG8',
              reason:
                'Threat protection needs the Plus tier, billed per monthly active user; it is opt-in with context cognitoThreatProtection=true. API throttling and strong passwords apply meanwhile.',
            },
          ]),
    ]);

    // Handlers read `cognito:groups` from the token to tell admins and agents from customers.
    for (const groupName of USER_GROUPS) {
      this.userPool.addGroup(`${groupName}Group`, {
        groupName,
        precedence: GROUP_PRECEDENCE[groupName],
        description: `Users with the ${groupName} role`,
      });
    }

    this.client = this.userPool.addClient('ApiClient', {
      // The API calls InitiateAuth on the user's behalf; refresh-token auth is always enabled by CDK.
      authFlows: { userPassword: true },
      generateSecret: false,
      disableOAuth: true, // no hosted UI or OAuth redirects: the API is the only client
      preventUserExistenceErrors: true,
      // Users may update a few of their own standard attributes with their access token: never
      // `email` (one could take another's address, then be found by it) and never a custom attribute
      // such as custom:mfa_enabled or custom:agent_locations (only the back end writes them). One list, shared with the local pool.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes(
        Object.fromEntries(CLIENT_WRITABLE_ATTRIBUTES.map((a) => [CDK_ATTRIBUTE[a], true])),
      ),
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
  }
}
