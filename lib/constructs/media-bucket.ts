import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { RENTAL_PHOTO_PREFIX } from '../../lambdas/domain/counter/photos';

export interface MediaBucketProps {
  /** Browser origins allowed to use presigned URLs (PUT uploads, HEAD); none: no CORS rule. */
  corsOrigins: string[];
  removalPolicy: RemovalPolicy;
  /** Empty the buckets on stack deletion (non-production stages only). */
  autoDeleteObjects: boolean;
  /** A versioned bucket (in the standby region) every new photo version is replicated to, by name. */
  replicaBucketName?: string;
}

/**
 * A photo's key is never reused (`cars/<carId>/<photoId>.<ext>`, a new photo id per upload), so what the
 * CDN and browsers cached under it stays right: cache for a year, and tell browsers it never changes.
 */
export const PHOTO_MAX_AGE = Duration.days(365);

/**
 * The private car-photo bucket, and the CDN that serves it: clients upload through presigned PUTs and
 * read through CloudFront, which alone may read the bucket (origin access control); the bucket blocks
 * every public access. One URL per photo (`https://<distribution>/<key>`, `photosUrl`), cached at the
 * edge and in browsers, instead of a presigned GET per photo per answer that no cache could share.
 */
export class MediaBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;
  readonly cdn: cloudfront.Distribution;
  /** What functions prefix a photo's key with (ENV.carPhotosUrl): `https://<distribution domain>`. */
  readonly photosUrl: string;

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
      // Every new object and deletion marker, within 15 minutes for 99.99% of objects (Replication Time Control).
      replicationRules: props.replicaBucketName
        ? [
            {
              destination: s3.Bucket.fromBucketName(this, 'Replica', props.replicaBucketName),
              priority: 0,
              deleteMarkerReplication: true,
              replicationTimeControl: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
              metrics: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
            },
          ]
        : undefined,
    });

    const replicationRole = this.bucket.node.tryFindChild('ReplicationRole');
    if (replicationRole) {
      NagSuppressions.addResourceSuppressions(
        replicationRole,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason:
              'S3 replication reads every object version of the media bucket and writes each to the same key in its replica: <bucket>/* on both.',
          },
        ],
        true,
      );
    }

    this.cdn = this.photoCdn(common);
    // Rental photos (a customer's car at its hand-overs) are evidence kept for the branch, not public
    // content: the CDN, which serves the bucket to anyone, may not read them.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(`${RENTAL_PHOTO_PREFIX}*`)],
      }),
    );
    this.photosUrl = `https://${this.cdn.distributionDomainName}`;
  }

  private photoCdn(
    common: Pick<s3.BucketProps, 'blockPublicAccess' | 'encryption' | 'enforceSSL' | 'removalPolicy' | 'autoDeleteObjects'>,
  ) {
    // CloudFront's standard logs are delivered with an ACL grant, so this bucket keeps ACLs (owner preferred).
    const logs = new s3.Bucket(this, 'CdnLogs', {
      ...common,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });
    NagSuppressions.addResourceSuppressions(logs, [
      { id: 'AwsSolutions-S1', reason: 'This bucket is the CDN access log destination; its own access needs no second log.' },
    ]);

    const cachePolicy = new cloudfront.CachePolicy(this, 'PhotoCache', {
      comment: 'Car photos: immutable keys, cached a year; no query string, header or cookie in the key',
      defaultTtl: PHOTO_MAX_AGE,
      maxTtl: PHOTO_MAX_AGE,
      minTtl: Duration.days(1),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
    });
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'PhotoHeaders', {
      comment: 'Car photos: browsers cache them for good; no content sniffing',
      customHeadersBehavior: {
        customHeaders: [{ header: 'Cache-Control', value: `public, max-age=${PHOTO_MAX_AGE.toSeconds()}, immutable`, override: true }],
      },
      securityHeadersBehavior: {
        contentTypeOptions: { override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });

    const cdn = new cloudfront.Distribution(this, 'PhotoCdn', {
      comment: 'Car photos',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy,
        responseHeadersPolicy: headers,
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // North America and Europe edges: the cheapest class; viewers elsewhere are served from the nearest of those.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'photo-cdn/',
    });
    NagSuppressions.addResourceSuppressions(cdn, [
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Car photos are public content for every market the platform rents in: no country is to be refused.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'The distribution serves cached, public, read-only images (GET/HEAD only); a web ACL for CloudFront lives in us-east-1 and bills per request. The API, where writes and abuse matter, has its WAF.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate cannot pin a minimum TLS version; a custom domain with an ACM certificate (us-east-1) and TLSv1.2_2021 is the step when the photos get a domain of their own (docs/operations.md).',
      },
    ]);
    return cdn;
  }
}
