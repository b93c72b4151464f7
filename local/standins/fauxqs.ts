import { startRunner } from './runner';

/**
 * fauxqs: SQS (FIFO included) and S3 on one endpoint, run by fauxqs-runner.mjs in a child process.
 * S3 clients must use path-style URLs against it (S3_FORCE_PATH_STYLE=true): with a hostname
 * endpoint the SDK otherwise calls <bucket>.localhost, which does not resolve. fauxqs checks neither
 * signatures nor expiry of presigned URLs.
 */
export interface FauxqsStandIn {
  sqsEndpoint: string;
  s3Endpoint: string;
  /** Runner pid, or undefined when both endpoints are configured externally. */
  pid?: number;
  stop(): Promise<void>;
}

/** Starts fauxqs unless both AWS_ENDPOINT_URL_SQS and AWS_ENDPOINT_URL_S3 name other endpoints. */
export async function startFauxqs(): Promise<FauxqsStandIn> {
  const { AWS_ENDPOINT_URL_SQS: sqs, AWS_ENDPOINT_URL_S3: s3 } = process.env;
  if (sqs && s3) return { sqsEndpoint: sqs, s3Endpoint: s3, stop: async () => {} };

  const { ready, pid, stop } = await startRunner<{ address: string }>('fauxqs-runner.mjs', { what: 'fauxqs', timeoutMs: 15_000 });
  return { sqsEndpoint: sqs ?? ready.address, s3Endpoint: s3 ?? ready.address, pid, stop };
}
