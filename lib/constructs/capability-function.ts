import * as path from 'node:path';
import { Duration, Stack, Token, type CfnElement, type RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NagSuppressions, type NagPackSuppression } from 'cdk-nag';
import { Construct } from 'constructs';
import { STREAM_RETRY_ATTEMPTS, type CapabilityDefinition, type CarMediaAccess, type TableAccess } from '../../lambdas/capabilities';
import { CAR_PHOTO_PREFIX } from '../../lambdas/domain/fleet/catalog';
import { RENTAL_PHOTO_PREFIX } from '../../lambdas/domain/counter/photos';
import { encodeRequirements } from '../../lambdas/capabilities/environment';
import { ENV } from '../../lambdas/shared/env-names';
import { queues as queueDefinitions, type QueueId } from '../../lambdas/shared/queues';
import { tables as tableDefinitions, type TableId } from '../../lambdas/shared/tables';
import { BUNDLE_SETTINGS } from '../bundling/bundle-settings';
import { sidecarHooks, sidecarsOf } from '../bundling/sidecars';
import { projectRoot } from '../config';
import type { Auth } from './auth';
import type { MediaBucket } from './media-bucket';
import { Monitoring } from './monitoring';
import type { Network } from './network';
import type { Notifications } from './notifications';
import type { PaymentGateways } from './payment-gateways';
import type { PaymentsDatabase } from './payments-database';
import type { QueuePair } from './queues';
import type { RedisCache } from './redis-cache';

export const DEFAULT_MEMORY_MB = 512;

/** How every function of the stack is built and run: Node.js 22 on Graviton, one minified CommonJS bundle, traced. */
export const FUNCTION_DEFAULTS = {
  runtime: lambda.Runtime.NODEJS_22_X,
  architecture: lambda.Architecture.ARM_64,
  tracing: lambda.Tracing.ACTIVE,
  handler: 'handler',
  projectRoot,
  depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
  // One minified CommonJS bundle with an external source map (lib/bundling/bundle-settings.ts says why each).
  bundling: {
    ...BUNDLE_SETTINGS,
    format: nodejs.OutputFormat.CJS, // BUNDLE_SETTINGS.format, as aws-lambda-nodejs spells it (an infra test pins the two)
    mainFields: [...BUNDLE_SETTINGS.mainFields],
    externalModules: [...BUNDLE_SETTINGS.externalModules],
  },
} satisfies Partial<nodejs.NodejsFunctionProps>;
export const DEFAULT_TIMEOUT_SECONDS = 10;

/** What AWSLambdaVPCAccessExecutionRole grants for ENIs, without its logs:* on every log group. */
export const vpcNetworkInterfaces = (): iam.PolicyStatement =>
  new iam.PolicyStatement({
    actions: [
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ],
    resources: ['*'],
  });

/** Redis and the database are reachable only from the VPC, so a function that uses either runs in it. */
export const runsInVpc = (uses: CapabilityDefinition['uses']): boolean => Boolean(uses.redis || uses.database);

/** Everything a capability may `use`; the construct picks what its definition asks for. */
export interface CapabilityResources {
  stage: string;
  appVersion: string;
  removalPolicy: RemovalPolicy;
  network: Network;
  tables: Record<TableId, dynamodb.ITable>;
  queues: Record<QueueId, QueuePair>;
  notifications: Notifications;
  media: MediaBucket;
  auth: Auth;
  redis: RedisCache;
  database: PaymentsDatabase;
  paymentGateways: PaymentGateways;
  /** The key that seals list cursors (a generated secret). */
  cursorKey: secretsmanager.ISecret;
  /** The failure destination of each stream-triggered capability, by capability id (streamFailureQueue). */
  streamFailures: Record<string, sqs.IQueue>;
  monitoring: Monitoring;
}

export interface CapabilityFunctionProps {
  /** Capability id (key of `capabilities`). */
  id: string;
  definition: CapabilityDefinition;
  resources: CapabilityResources;
  /** Concurrency kept for this function and its ceiling (the capacity profile's); none: the account's shared pool. */
  reservedConcurrency?: number;
}

/** Cognito user-management calls an 'admin' capability may make, and nothing else. */
/** The one S3 action each car-media right needs (HEAD, presigned PUT, DeleteObject). */
export const CAR_MEDIA_ACTIONS: Record<CarMediaAccess, string> = {
  read: 's3:GetObject',
  upload: 's3:PutObject',
  delete: 's3:DeleteObject',
};

const COGNITO_ADMIN_ACTIONS = [
  'AdminGetUser',
  'AdminCreateUser',
  'AdminSetUserPassword',
  'AdminUpdateUserAttributes',
  'AdminDeleteUserAttributes',
  'AdminDisableUser',
  'AdminEnableUser',
  'AdminDeleteUser',
  'AdminAddUserToGroup',
  'AdminRemoveUserFromGroup',
  'AdminListGroupsForUser',
  'AdminUserGlobalSignOut',
].map((a) => `cognito-idp:${a}`);

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Where a stream-triggered capability's batch that still fails after every retry is described (shard and
 * sequence numbers), so an operator can look, fix, and run the rebuild; the stream itself keeps the
 * records for 24 h. A queue holds what is to be inspected, so it lives with the data (the data stack),
 * at the path `<capability>Capability/StreamFailures` it had beside its function in the one-stack app.
 */
export const streamFailureQueue = (scope: Construct, capabilityId: string, monitoring: Monitoring): sqs.Queue => {
  const parent = new Construct(scope, `${capabilityId}Capability`);
  const failures = new sqs.Queue(parent, 'StreamFailures', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  NagSuppressions.addResourceSuppressions(failures, [
    {
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the failure destination of the stream event source; nothing consumes it automatically.',
    },
  ]);
  // A batch described here was given up on: those records' effect (a rating) is missing until rebuilt.
  monitoring.alarm(parent, 'StreamFailuresAlarm', {
    name: `${capabilityId}-stream-failures`,
    metric: failures.metricApproximateNumberOfMessagesVisible({ period: Monitoring.PERIOD, statistic: 'Maximum' }),
    description: `A stream batch of ${capabilityId} failed every retry and was described on its StreamFailures queue; fix, then rebuild (docs/operations.md).`,
  });
  return failures;
};

/** The CDK grants include `<table>/index/*`, so Query on a GSI works without a broader grant. */
const grantTable = (table: dynamodb.ITable, access: TableAccess, grantee: iam.IGrantable): iam.Grant => {
  switch (access) {
    case 'read':
      return table.grantReadData(grantee);
    case 'write':
      return table.grantWriteData(grantee);
    case 'readWrite':
      return table.grantReadWriteData(grantee);
  }
};

/**
 * One Lambda function for one entry of `capabilities` (lambdas/capabilities): bundled ESM for Node.js 22
 * on Graviton, traced, with its own log group, alarms, and exactly the grants and environment its `uses` lists.
 */
export class CapabilityFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  private readonly capabilityId: string;
  /** IAM5 findings this function's grants legitimately produce, suppressed with reasons below. */
  private readonly wildcards: NagPackSuppression[] = [];

  constructor(scope: Construct, id: string, props: CapabilityFunctionProps) {
    super(scope, id);
    this.capabilityId = props.id;
    const { definition: def, resources: r } = props;
    const uses = def.uses;
    const inVpc = runsInVpc(uses);

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: r.removalPolicy,
    });

    // An explicit role, so logging is granted on this function's log group only (not logs:* on *).
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.id} capability`,
    });
    logGroup.grantWrite(role);

    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      ...FUNCTION_DEFAULTS,
      entry: path.join(projectRoot, def.entry),
      description: def.description,
      memorySize: def.memoryMb ?? DEFAULT_MEMORY_MB,
      timeout: Duration.seconds(def.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      reservedConcurrentExecutions: props.reservedConcurrency,
      role,
      logGroup,
      bundling: { ...FUNCTION_DEFAULTS.bundling, ...sidecarHooks(sidecarsOf(uses)) },
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'car-rental',
        [ENV.stage]: r.stage,
        [ENV.appVersion]: r.appVersion,
        [ENV.requiredEnvironment]: encodeRequirements(uses),
      },
      ...(inVpc ? { vpc: r.network.vpc, vpcSubnets: r.network.subnets, securityGroups: [r.network.functionsSecurityGroup] } : {}),
    });

    this.wildcards.push({
      id: 'AwsSolutions-IAM5',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords (and VPC ENI management) do not support resource-level permissions.',
      appliesTo: ['Resource::*'],
    });
    if (inVpc) role.addToPrincipalPolicy(vpcNetworkInterfaces());

    this.grantTables(uses.tables ?? {}, r.tables);
    this.useQueues(uses.queues ?? {}, r.queues);
    if (uses.notifications) this.useNotifications(r.notifications);
    else if (uses.email) this.useEmail(r.notifications);
    this.useMedia(uses.carMedia, CAR_PHOTO_PREFIX, r.media);
    this.useMedia(uses.rentalPhotos, RENTAL_PHOTO_PREFIX, r.media);
    if (uses.photoUrls) this.env(ENV.carPhotosUrl, r.media.photosUrl);
    this.useUserPool(uses.userPool, r.auth, uses.idTokens);
    if (uses.redis) this.useRedis(r.redis);
    if (uses.database) this.useDatabase(r.database);
    if (uses.paymentGateways) r.paymentGateways.bind(this.fn);
    if (uses.cursors) {
      this.env(ENV.cursorKeySecretArn, r.cursorKey.secretArn);
      r.cursorKey.grantRead(this.fn);
    }
    this.addTrigger(def, r.queues, r.tables, r.streamFailures);
    this.addAlarms(props.id, r.monitoring);

    NagSuppressions.addResourceSuppressions(role, this.wildcards, true);
    NagSuppressions.addResourceSuppressions(this.fn, [
      {
        id: 'AwsSolutions-L1',
        reason: 'Pinned to Node.js 22 (LTS) on purpose: the bundle targets node22 and the local runtime tests run on the same major.',
      },
    ]);
  }

  /**
   * How cdk-nag names an attribute of another resource in a finding, as a regex source: `<Id.Attr>` when
   * the resource is in this function's stack; from another stack (the data stack), the name of the export
   * CDK makes for it, `<stack>:ExportsOutputFnGetAtt<Id><Attr><hash>`.
   */
  private nagAttribute(resource: Construct, attribute: string): string {
    const id = Stack.of(resource).getLogicalId(resource.node.defaultChild as CfnElement);
    return `(<${id}\\.${attribute}>|[^:]+:ExportsOutputFnGetAtt${id}${attribute}[0-9A-F]{8})`;
  }

  /**
   * An ARN as cdk-nag prints it in a finding (and so as `appliesTo` must name it): the stack's region
   * and account as literals when the stack knows them (`cdk synth` with a configured region), else as
   * the pseudo parameters.
   */
  private nagArn(service: string, resource: string): string {
    const stack = Stack.of(this);
    const known = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
    return `arn:${known(stack.partition, 'Partition')}:${service}:${known(stack.region, 'Region')}:${known(stack.account, 'AccountId')}:${resource}`;
  }

  private env(name: string, value: string): void {
    this.fn.addEnvironment(name, value);
  }

  private grantTables(access: Partial<Record<TableId, TableAccess>>, tables: Record<TableId, dynamodb.ITable>): void {
    for (const [tableId, mode] of Object.entries(access) as Array<[TableId, TableAccess]>) {
      const table = tables[tableId];
      grantTable(table, mode, this.fn);
      this.env(tableDefinitions[tableId].envVar, table.tableName);
      if (tableDefinitions[tableId].indexes.length > 0) {
        this.wildcards.push({
          id: 'AwsSolutions-IAM5',
          reason: `Queries on the ${tableId} table's global secondary indexes (the grant covers <table>/index/* of that table only).`,
          appliesTo: [{ regex: `/^Resource::${this.nagAttribute(table, 'Arn')}\\/index\\/\\*$/` }],
        });
      }
    }
  }

  private useQueues(sends: Partial<Record<QueueId, 'send'>>, queues: Record<QueueId, QueuePair>): void {
    for (const id of Object.keys(sends) as QueueId[]) {
      this.env(queueDefinitions[id].envVar, queues[id].queue.queueUrl);
      queues[id].queue.grantSendMessages(this.fn);
    }
  }

  private useNotifications(notifications: Notifications): void {
    this.env(ENV.notificationsTopicArn, notifications.topic.topicArn);
    // grantPublish adds kms:Decrypt/GenerateDataKey* for the topic's key. The topic uses the AWS-managed
    // SNS key, whose key id is unknown at synth time, so CDK grants on key/* narrowed by the condition
    // kms:ResourceAliases = alias/aws/sns (an infra test pins that condition).
    this.wildcards.push({
      id: 'AwsSolutions-IAM5',
      reason:
        'Publishing to the booking-events topic encrypted with the AWS-managed key alias/aws/sns: key/* is narrowed to that key by a kms:ResourceAliases condition; GenerateDataKey* is the SNS publish requirement.',
      appliesTo: ['Action::kms:GenerateDataKey*', `Resource::${this.nagArn('kms', 'key/*')}`],
    });
    this.useEmail(notifications);
    notifications.grantPublish(this.fn);
  }

  /** SES SendEmail from the configured sender (no topic): for functions that only email account owners. */
  private useEmail(notifications: Notifications): void {
    if (!notifications.emailSender) return;
    this.env(ENV.emailSender, notifications.emailSender);
    this.wildcards.push({
      id: 'AwsSolutions-IAM5',
      reason:
        'SES authorises SendEmail against the sender and (in the SES sandbox) each recipient identity, which are not known in advance.',
      appliesTo: [`Resource::${this.nagArn('ses', 'identity/*')}`],
    });
    notifications.grantSendEmail(this.fn);
  }

  /** One right on the media bucket's keys under `prefix` (car photos, or rental photos). */
  private useMedia(mode: CarMediaAccess | undefined, prefix: string, media: MediaBucket): void {
    if (!mode) return;
    const bucket = media.bucket;
    this.env(ENV.carMediaBucket, bucket.bucketName);
    // One exact action on the photo keys, not CDK's grant groups (s3:DeleteObject* would include
    // DeleteObjectVersion: a permanent delete of the versions kept to restore a photo).
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: [CAR_MEDIA_ACTIONS[mode]], resources: [bucket.arnForObjects(`${prefix}*`)] }),
    );
    this.wildcards.push({
      id: 'AwsSolutions-IAM5',
      reason: 'Presigned uploads and HEADs act on any photo key of the car-media bucket (keys are generated per upload).',
      appliesTo: [{ regex: `/^Resource::${this.nagAttribute(bucket, 'Arn')}\\/${escapeRegex(prefix)}\\*$/` }],
    });
  }

  private useUserPool(mode: CapabilityDefinition['uses']['userPool'], auth: Auth, idTokens = false): void {
    if (!mode && !idTokens) return;
    this.env(ENV.userPoolId, auth.userPool.userPoolId);
    this.env(ENV.userPoolClientId, auth.client.userPoolClientId);
    // 'client' calls (SignUp, InitiateAuth...) are public Cognito APIs and need no IAM permission.
    if (mode === 'admin') auth.userPool.grant(this.fn, ...COGNITO_ADMIN_ACTIONS);
  }

  private useRedis(redis: RedisCache): void {
    this.env(ENV.redisHost, redis.host);
    this.env(ENV.redisPort, redis.port);
    this.env(ENV.redisAuthSecretArn, redis.authSecret.secretArn);
    redis.authSecret.grantRead(this.fn);
  }

  private useDatabase(db: PaymentsDatabase): void {
    this.env(ENV.dbProxyEndpoint, db.proxy.endpoint);
    this.env(ENV.dbSecretArn, db.cluster.secret!.secretArn);
    this.env(ENV.dbName, db.databaseName);
    db.cluster.secret!.grantRead(this.fn);
  }

  private addTrigger(
    def: CapabilityDefinition,
    queues: Record<QueueId, QueuePair>,
    tables: Record<TableId, dynamodb.ITable>,
    streamFailures: Record<string, sqs.IQueue>,
  ): void {
    const trigger = def.trigger;
    // None for an HTTP function: the API stack integrates it with the routes that name it.
    if (trigger?.kind === 'queue') {
      // The event source grants receive/delete; failed records are retried alone (partial batch response).
      this.fn.addEventSource(
        new SqsEventSource(queues[trigger.queue].queue, { batchSize: trigger.batchSize, reportBatchItemFailures: true }),
      );
    }
    if (trigger?.kind === 'stream') {
      const failures = streamFailures[this.capabilityId];
      if (!failures) throw new Error(`No stream failure queue for ${this.capabilityId} (see streamFailureQueue)`);
      // In order per item, from the oldest record kept; a failing record is retried with the ones after
      // it (partial batch response) and, after its last attempt, described on the failure queue.
      this.fn.addEventSource(
        new DynamoEventSource(tables[trigger.table], {
          startingPosition: lambda.StartingPosition.TRIM_HORIZON,
          batchSize: trigger.batchSize,
          reportBatchItemFailures: true,
          retryAttempts: STREAM_RETRY_ATTEMPTS,
          onFailure: new SqsDlq(failures),
        }),
      );
    }
    if (trigger?.kind === 'schedule') {
      new events.Rule(this, 'Schedule', {
        schedule: events.Schedule.rate(Duration.minutes(trigger.everyMinutes)),
        targets: [new targets.LambdaFunction(this.fn, { retryAttempts: 2 })],
      });
    }
  }

  private addAlarms(id: string, monitoring: Monitoring): void {
    const period = Monitoring.PERIOD;
    monitoring.alarm(this, 'ErrorsAlarm', {
      name: `${id}-errors`,
      metric: this.fn.metricErrors({ period }),
      description: `The ${id} function failed at least once in 5 minutes.`,
    });
  }
}
