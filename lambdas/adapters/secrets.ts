import { traced } from '../shared/observability';
import { onFirstUse } from '../shared/on-first-use';
import { sdkClientConfig } from './aws-client';

/**
 * How long a secret read is trusted. The database password rotates every 30 days and a warm instance can
 * live for hours, so the secret is read again at most every 5 minutes (a new connection in the 5 minutes
 * after a rotation is refused once, then `fresh` re-reads it: see postgres.ts).
 */
export const SECRET_MAX_AGE_SECONDS = 300;

/**
 * Powertools' secrets provider (its cache keeps each value for maxAge) over the Secrets Manager SDK,
 * both loaded on the first read: only the first Redis, database or gateway connection of an instance in
 * AWS reads a secret, so importing them at init would slow every cold start for it.
 */
const secretsProvider = onFirstUse(async () => {
  const [{ SecretsProvider }, { SecretsManagerClient }] = await Promise.all([
    import('@aws-lambda-powertools/parameters/secrets'),
    import('@aws-sdk/client-secrets-manager'),
  ]);
  return new SecretsProvider({ awsSdkV3Client: traced(new SecretsManagerClient(sdkClientConfig())) });
});

/**
 * A secret's string, read at most once per SECRET_MAX_AGE_SECONDS (not once per request, nor once for the
 * instance's life); `fresh` reads it again now, after the service refused what it held.
 */
export const secretString = async (arn: string, { fresh = false } = {}): Promise<string> => {
  const secret = await (await secretsProvider()).get(arn, { maxAge: SECRET_MAX_AGE_SECONDS, forceFetch: fresh });
  if (typeof secret !== 'string') throw new Error(`Secret ${arn} has no string value`);
  return secret;
};
