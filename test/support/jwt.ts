import { createSign, generateKeyPairSync } from 'node:crypto';

/**
 * Signs RS256 JWTs for verifier tests: with cognito-local's own (public, shipped-in-npm) key to make
 * tokens that are validly signed but expired or for another issuer, or with a fresh key to forge.
 */
export const COGNITO_LOCAL_KID = 'CognitoLocal';

export function cognitoLocalPrivateKey(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('cognito-local/lib/keys/cognitoLocal.private.json').pem as string;
}

export function freshPrivateKey(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function signJwt(payload: Record<string, unknown>, privateKeyPem: string, kid = COGNITO_LOCAL_KID): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT', kid })}.${encode(payload)}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(privateKeyPem).toString('base64url');
  return `${unsigned}.${signature}`;
}

export function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}
