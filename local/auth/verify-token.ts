import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { Fetcher } from 'aws-jwt-verify/https';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';

/**
 * Verifies Cognito ID tokens the way API Gateway's Cognito authorizer does: RS256 signature against
 * the pool's JWKS, issuer, audience (= app client id), expiry, and token_use "id". The local runtime
 * uses it in place of that authorizer.
 *
 * aws-jwt-verify's CognitoJwtVerifier only accepts AWS-shaped pool ids and fetches JWKS over https,
 * so against cognito-local (http://127.0.0.1:<port>/local_xxx) its generic JwtVerifier is used with
 * a fetcher that also speaks plain http.
 */
export interface TokenVerifierOptions {
  issuer: string;
  jwksUri: string;
  clientId: string;
}

/** Claims of a verified ID token; `cognito:groups` is absent for a user in no group. */
export type IdTokenClaims = JwtPayload & { sub: string; token_use: 'id'; email?: string; 'cognito:groups'?: string[] };

export type VerifyToken = (token: string) => Promise<IdTokenClaims>;

const FETCH_TIMEOUT_MS = 3000;

/** Fetches with the platform fetch, so http and https both work. */
const httpFetcher: Fetcher = {
  async fetch(uri) {
    const response = await fetch(uri, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`JWKS fetch from ${uri} failed: HTTP ${response.status}`);
    return response.arrayBuffer();
  },
};

export function createTokenVerifier({ issuer, jwksUri, clientId }: TokenVerifierOptions): VerifyToken {
  const verifier = JwtVerifier.create(
    {
      issuer,
      jwksUri,
      audience: clientId,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== 'id') throw new Error(`Expected an ID token, got token_use ${String(payload.token_use)}`);
      },
    },
    { jwksCache: new SimpleJwksCache({ fetcher: httpFetcher }) },
  );
  return async (token) => (await verifier.verify(token)) as IdTokenClaims;
}
