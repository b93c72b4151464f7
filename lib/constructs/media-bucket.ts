import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

export interface MediaBucketProps {
  /** Browser origins allowed to use presigned URLs (PUT uploads, GET/HEAD reads); none: no CORS rule. */
  corsOrigins: string[];
  removalPolicy: RemovalPolicy;
  /** Empty the buckets on stack deletion (non-production stages only). */
  autoDeleteObjects: boolean;
}

/** Private car-photo bucket; clients upload and read only through presigned URLs. */
export class MediaBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: MediaBucketProps) {
    super(scope, id);
    const common = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED, // access-log targets must use SSE-S3
      enforceSSL: true,
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: props.autoDeleteObjects,
    };

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...common,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
    });
    NagSuppressions.addResourceSuppressions(this.accessLogs, [
      { id: 'AwsSolutions-S1', reason: 'This bucket is the server access log destination; logging it into itself would loop.' },
    ]);

    this.bucket = new s3.Bucket(this, 'CarMedia', {
      ...common,
      versioned: true, // an overwritten or deleted photo can be restored
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'car-media/',
      // Without configured origins, no browser page may use the presigned URLs cross-origin (never `*`).
      cors: props.corsOrigins.length
        ? [
            {
              allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
              allowedOrigins: props.corsOrigins,
              allowedHeaders: ['content-type', 'content-length'],
              exposedHeaders: ['ETag'],
              maxAge: 3000,
            },
          ]
        : undefined,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    });
  }
}
