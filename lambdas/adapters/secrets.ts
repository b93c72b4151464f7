import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { traced } from '../shared/observability';
import { sdkClientConfig } from './aws-client';

let client: SecretsManagerClient | undefined;
const cache = new Map<string, Promise<string>>();

/** Reads a secret once per function instance (cold start), not once per request. */
export const secretString = (arn: string): Promise<string> => {
  let value = cache.get(arn);
  if (!value) {
    client ??= traced(new SecretsManagerClient(sdkClientConfig()));
    value = client.send(new GetSecretValueCommand({ SecretId: arn })).then((r) => {
      if (!r.SecretString) throw new Error(`Secret ${arn} has no string value`);
      return r.SecretString;
    });
    // A failed read is retried on the next call rather than cached forever.
    value.catch(() => cache.delete(arn));
    cache.set(arn, value);
  }
  return value;
};
