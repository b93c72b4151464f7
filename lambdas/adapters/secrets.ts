import { traced } from '../shared/observability';
import { onFirstUse } from '../shared/on-first-use';
import { sdkClientConfig } from './aws-client';

/**
 * The Secrets Manager SDK, loaded on the first read: only the first Redis, database or gateway connection
 * of an instance in AWS reads a secret, so importing the client at init would slow every cold start for it.
 */
const secretsManager = onFirstUse(async () => {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = traced(new SecretsManagerClient(sdkClientConfig()));
  return { read: async (arn: string) => (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString };
});

const cache = new Map<string, Promise<string>>();

/** Reads a secret once per function instance (cold start), not once per request. */
export const secretString = (arn: string): Promise<string> => {
  let value = cache.get(arn);
  if (!value) {
    value = secretsManager().then(async ({ read }) => {
      const secret = await read(arn);
      if (!secret) throw new Error(`Secret ${arn} has no string value`);
      return secret;
    });
    // A failed read is retried on the next call rather than cached forever.
    value.catch(() => cache.delete(arn));
    cache.set(arn, value);
  }
  return value;
};
