/**
 * SDK client settings for talking to a stand-in (or to whatever endpoint the user configured). The
 * emulators accept any credentials, but the SDK insists on having some, so dummy ones are used unless
 * real ones are in the environment. One region everywhere: DynamoDB Local and fauxqs key data by it.
 */
export const LOCAL_REGION = 'us-east-1';
export const DUMMY_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export function clientConfig(endpoint: string) {
  const env = process.env;
  return {
    endpoint,
    region: env.AWS_REGION ?? LOCAL_REGION,
    credentials:
      env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
        ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN }
        : DUMMY_CREDENTIALS,
    // Fail fast against a local server; readiness polling does its own retrying.
    maxAttempts: 1,
  };
}
