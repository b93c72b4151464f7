/**
 * Network limits of every AWS SDK client (DynamoDB, S3, SQS, SNS, SES, Cognito, Secrets Manager), in
 * one place. Without them a dependency that accepts a connection and never answers holds the request
 * until the function's own timeout (10 s): API Gateway then answers 502 with no Retry-After. With them
 * the worst case, two attempts of at most 1 s to connect and 2.5 s to answer each (plus the SDK's
 * short backoff), ends near 6 s: a TimeoutError the error mapping turns into 503 + Retry-After.
 */
export const SDK_CONNECTION_TIMEOUT_MS = 1_000;
/** Longest an attempt may take once connected. */
export const SDK_REQUEST_TIMEOUT_MS = 2_500;
export const SDK_MAX_ATTEMPTS = 2;

/** Constructor options for an AWS SDK v3 client: attempts and timeouts, plus the client's own `extra`. */
export const sdkClientConfig = <T extends object>(extra: T = {} as T) => ({
  maxAttempts: SDK_MAX_ATTEMPTS,
  // Since @smithy/node-http-handler 4.x, requestTimeout alone only logs a warning: throwOnRequestTimeout
  // makes it end the attempt with a TimeoutError.
  requestHandler: { connectionTimeout: SDK_CONNECTION_TIMEOUT_MS, requestTimeout: SDK_REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
  ...extra,
});
