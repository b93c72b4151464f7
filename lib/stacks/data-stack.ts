import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import type { CapabilityDefinition } from '../../lambdas/capabilities';
import { queueList, type QueueId } from '../../lambdas/shared/queues';
import { tableList } from '../../lambdas/shared/tables';
import { version as appVersion } from '../../package.json';
import { capacityOf, dataRemovalPolicy, isProd, type DeploymentConfig } from '../config';
import { globalClusterName, mediaReplicaBucketName, standbyVaultName } from '../stage';
import { ApiGatewayAccount } from '../constructs/api-gateway-account';
import { Auth } from '../constructs/auth';
import { Backups } from '../constructs/backups';
import { DEFAULT_TIMEOUT_SECONDS, runsInVpc, streamFailureQueue, type CapabilityResources } from '../constructs/capability-function';
import { DataTables } from '../constructs/data-tables';
import { DatabaseMigrations } from '../constructs/database-migrations';
import { MediaBucket } from '../constructs/media-bucket';
import { Monitoring } from '../constructs/monitoring';
import { Network } from '../constructs/network';
import { Notifications } from '../constructs/notifications';
import { PaymentGateways } from '../constructs/payment-gateways';
import { PaymentsDatabase } from '../constructs/payments-database';
import { Queues } from '../constructs/queues';
import { RedisCache } from '../constructs/redis-cache';

export interface DataStackProps extends StackProps {
  config: DeploymentConfig;
  /** The capabilities (data only): queue visibility, VPC endpoints and stream failure queues follow their needs. */
  capabilities: ReadonlyArray<readonly [string, CapabilityDefinition]>;
}

/** Visibility timeout basis when no consumer declares a longer timeout (6 x 30 s). */
const MIN_CONSUMER_TIMEOUT_SECONDS = 30;

/** Interface endpoints the in-VPC functions need, derived from what they use (each costs money per AZ). */
const interfaceEndpointsFor = (defs: readonly CapabilityDefinition[]): ec2.InterfaceVpcEndpointAwsService[] => {
  const vpcDefs = defs.filter((d) => runsInVpc(d.uses));
  return [
    ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    ...(vpcDefs.some((d) => Object.keys(d.uses.queues ?? {}).length > 0) ? [ec2.InterfaceVpcEndpointAwsService.SQS] : []),
    ...(vpcDefs.some((d) => d.uses.notifications || d.uses.email)
      ? [ec2.InterfaceVpcEndpointAwsService.SNS, ec2.InterfaceVpcEndpointAwsService.EMAIL]
      : []),
    ...(vpcDefs.some((d) => d.uses.userPool) ? [ec2.InterfaceVpcEndpointAwsService.COGNITO_IDP] : []),
  ];
};

/**
 * What holds data, and what the other stacks share: network, tables, queues, topic, bucket, user pool,
 * Redis, the payments database and its schema migrations, secrets, the alarm topic. It keeps the
 * construct ids of the former one-stack app, and in prod its id (CarRentalStack), so an existing deployment
 * keeps these resources in place: a changed logical id would make CloudFormation create a new table and
 * delete the old.
 * Nothing here refers to another stack; the others refer to it (CDK exports), so it deploys first.
 */
export class DataStack extends Stack {
  /** Everything a capability function may use (CapabilityFunction picks what its definition asks for). */
  readonly resources: CapabilityResources;
  readonly apiGatewayAccount: ApiGatewayAccount;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;
    const definitions = props.capabilities.map(([, def]) => def);
    const prod = isProd(config);
    const removalPolicy = dataRemovalPolicy(config);
    const capacity = capacityOf(config);

    const monitoring = new Monitoring(this, 'Monitoring', { stage: config.stage, alarmEmail: config.alarmEmail });
    const network = new Network(this, 'Network', { interfaceEndpoints: interfaceEndpointsFor(definitions), removalPolicy });
    const standbyRegion = config.standbyRegion;
    const data = new DataTables(this, 'Tables', { removalPolicy, deletionProtection: prod, standbyRegion });

    const consumerTimeout = (queue: QueueId) =>
      Duration.seconds(
        Math.max(
          MIN_CONSUMER_TIMEOUT_SECONDS,
          ...definitions
            .filter((d) => d.trigger?.kind === 'queue' && d.trigger.queue === queue)
            .map((d) => d.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
        ),
      );
    const { queues } = new Queues(this, 'Queues', {
      stage: config.stage,
      consumerTimeout,
      monitoring,
      fifoHighThroughput: capacity.fifoHighThroughput,
    });
    const notifications = new Notifications(this, 'Notifications', { emailSender: config.sesFromEmail });
    for (const def of queueList.filter((q) => q.subscribesTo)) notifications.subscribe(queues[def.id].queue, def.subscribesTo!.eventTypes);
    const paymentGateways = new PaymentGateways(this, 'PaymentGateways', { mode: config.paymentGateways });

    const redis = new RedisCache(this, 'Redis', { network, ...capacity.redis });
    const database = new PaymentsDatabase(this, 'Payments', {
      network,
      removalPolicy,
      deletionProtection: prod,
      ...capacity.aurora,
      globalClusterIdentifier: standbyRegion ? globalClusterName(config.stage) : undefined,
    });
    const media = new MediaBucket(this, 'Media', {
      corsOrigins: config.corsOrigins,
      removalPolicy,
      autoDeleteObjects: !prod,
      replicaBucketName: standbyRegion ? mediaReplicaBucketName(config.stage, this.account, standbyRegion) : undefined,
    });
    new Backups(this, 'Backups', {
      tables: Object.values(data.tables),
      cluster: database.cluster,
      removalPolicy,
      copyTo: standbyRegion ? { region: standbyRegion, vaultName: standbyVaultName(config.stage) } : undefined,
    });
    const auth = new Auth(this, 'Auth', {
      removalPolicy,
      deletionProtection: prod,
      threatProtection: config.cognitoThreatProtection,
      sesFromEmail: config.sesFromEmail,
    });

    // Seals list cursors (lambdas/http/cursors.ts) so clients cannot forge one.
    const cursorKey = new secretsmanager.Secret(this, 'CursorKey', {
      description: 'HMAC key that seals the API list cursors',
      generateSecretString: { excludePunctuation: true, passwordLength: 64 },
      removalPolicy,
    });
    NagSuppressions.addResourceSuppressions(cursorKey, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'Rotating the key only makes outstanding list cursors invalid (clients start the list again); rotate by redeploying with a new secret when needed.',
      },
    ]);

    // The payments schema belongs with the database: migrated on deploy, in this stack, so every stack
    // with code that uses the schema (they all deploy after this one) finds it migrated.
    new DatabaseMigrations(this, 'Migrations', { network, database, removalPolicy });
    this.apiGatewayAccount = new ApiGatewayAccount(this, 'ApiGatewayAccount');

    this.resources = {
      stage: config.stage,
      appVersion,
      removalPolicy,
      network,
      tables: data.tables,
      queues,
      notifications,
      paymentGateways,
      media,
      auth,
      redis,
      database,
      cursorKey,
      monitoring,
      streamFailures: Object.fromEntries(
        props.capabilities
          .filter(([, def]) => def.trigger?.kind === 'stream')
          .map(([capId]) => [capId, streamFailureQueue(this, capId, monitoring)]),
      ),
    };

    // The same output names as the one-stack app, on the same stack: operator tools keep reading them here.
    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('UserPoolId', auth.userPool.userPoolId, 'Cognito user pool id');
    output('UserPoolClientId', auth.client.userPoolClientId, 'Cognito app client id');
    for (const def of tableList) {
      output(`${def.id.charAt(0).toUpperCase()}${def.id.slice(1)}TableName`, data.tables[def.id].tableName, def.description);
    }
    for (const def of queueList) {
      const name = `${def.id.charAt(0).toUpperCase()}${def.id.slice(1)}`;
      output(`${name}QueueUrl`, queues[def.id].queue.queueUrl, def.description);
      output(`${name}DlqUrl`, queues[def.id].deadLetterQueue.queueUrl, `Dead-letter queue of ${def.name}`);
    }
    output('NotificationsTopicArn', notifications.topic.topicArn, 'Booking life-cycle events');
    output('CarMediaBucket', media.bucket.bucketName, 'Car photos bucket');
    output('CarPhotosUrl', media.photosUrl, 'Car photos CDN: a photo is at <this>/<object key>');
    output('DbProxyEndpoint', database.proxy.endpoint, 'RDS Proxy endpoint for PostgreSQL');
    output('RedisEndpoint', redis.host, 'ElastiCache Redis primary endpoint');
    output('AlarmTopicArn', monitoring.topic.topicArn, 'Subscribe here to receive alarms');
  }
}
