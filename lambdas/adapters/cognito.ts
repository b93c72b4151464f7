import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { traced } from '../shared/observability';
import { sdkClientConfig } from './aws-client';

let client: CognitoIdentityProviderClient | undefined;

/**
 * One Cognito client per function instance. It gives up quickly (aws-client.ts: a sign-in should not hang
 * for the SDK's defaults) so an unreachable Cognito becomes a prompt 503. The endpoint comes from the SDK's
 * AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER when set: that is how the local runtime uses cognito-local.
 */
export const cognitoClient = (): CognitoIdentityProviderClient => (client ??= traced(new CognitoIdentityProviderClient(sdkClientConfig())));
