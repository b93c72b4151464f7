import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { env } from '../shared/config';
import { ENV } from '../shared/env-names';

/**
 * Verifies a Cognito ID token as API Gateway's Cognito authorizer does (signature against the pool's
 * JWKS, issuer, audience = the app client, expiry, token_use "id"), for the routes that take a token
 * without requiring one (`optional` access), which API Gateway lets through without its authorizer.
 * Built on first use: most calls of such a route are anonymous. The local runtime verifies tokens
 * before the function runs (local/auth/verify-token.ts), so this only runs in AWS.
 */
let verifier: { verify: (token: string) => Promise<Record<string, unknown>> } | undefined;

export const verifyIdToken = async (token: string): Promise<Record<string, unknown>> => {
  verifier ??= CognitoJwtVerifier.create({
    userPoolId: env.required(ENV.userPoolId),
    clientId: env.required(ENV.userPoolClientId),
    tokenUse: 'id',
  });
  return await verifier.verify(token);
};
