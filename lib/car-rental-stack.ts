import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { IP_RATE_LIMITS, routeList } from '../lambdas/api/routes';
import type { RouteDefinition } from '../lambdas/api/route';
import { capabilityList, type CapabilityDefinition } from '../lambdas/capabilities';
import { queueList, type QueueId } from '../lambdas/shared/queues';
import { tableList } from '../lambdas/shared/tables';
import { dataRemovalPolicy, isProd, type DeploymentConfig } from './config';
import { Auth } from './constructs/auth';
import { CapabilityFunction, DEFAULT_TIMEOUT_SECONDS, runsInVpc } from './constructs/capability-function';
import { DataTables } from './constructs/data-tables';
import { DatabaseMigrations } from './constructs/database-migrations';
import { MediaBucket } from './constructs/media-bucket';
import { Monitoring } from './constructs/monitoring';
import { Network } from './constructs/network';
import { Notifications } from './constructs/notifications';
import { PaymentGateways } from './constructs/payment-gateways';
import { PaymentsDatabase } from './constructs/payments-database';
import { Queues } from './constructs/queues';
import { RedisCache } from './constructs/redis-cache';
import { RestApi } from './constructs/rest-api';
import { WebFirewall } from './constructs/web-firewall';
import { version as appVersion } from '../package.json';

export interface CarRentalStackProps extends StackProps {
  config: DeploymentConfig;
  /** Defaults to `capabilityList()`; tests pass other sets to exercise every kind of `uses`. */
  capabilities?: ReadonlyArray<readonly [string, CapabilityDefinition]>;
  /** Defaults to `routeList`, the route table. */
  routes?: readonly RouteDefinition[];
}

/** Visibility timeout basis when no consumer declares a longer timeout (6 x 30 s). */
const MIN_CONSUMER_TIMEOUT_SECONDS = 30;

/** Interface endpoints the in-VPC functions need, derived from what they use (each costs money per AZ). */
const interfaceEndpointsFor = (defs: CapabilityDefinition[]): ec2.InterfaceVpcEndpointAwsService[] => {
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

/** The whole car-rental platform in one stack; every part is a construct in lib/constructs. */
export class CarRentalStack extends Stack {
  constructor(scope: Construct, id: string, props: CarRentalStackProps) {
    super(scope, id, props);
    const { config } = props;
    const prod = isProd(config);
    const removalPolicy = dataRemovalPolicy(config);
    const capabilities = props.capabilities ?? capabilityList();
    const definitions = capabilities.map(([, def]) => def);

    const monitoring = new Monitoring(this, 'Monitoring', { alarmEmail: config.alarmEmail });
    const network = new Network(this, 'Network', { interfaceEndpoints: interfaceEndpointsFor(definitions), removalPolicy });
    const data = new DataTables(this, 'Tables', { removalPolicy, deletionProtection: prod });

    const consumerTimeout = (queue: QueueId) =>
      Duration.seconds(
        Math.max(
          MIN_CONSUMER_TIMEOUT_SECONDS,
          ...definitions
            .filter((d) => d.trigger.kind === 'queue' && d.trigger.queue === queue)
            .map((d) => d.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
        ),
      );
    const { queues } = new Queues(this, 'Queues', { consumerTimeout, monitoring });
    const notifications = new Notifications(this, 'Notifications', { emailSender: config.sesFromEmail });
    for (const def of queueList.filter((q) => q.subscribesTo)) notifications.subscribe(queues[def.id].queue, def.subscribesTo!.eventTypes);
    const paymentGateways = new PaymentGateways(this, 'PaymentGateways', { mode: config.paymentGateways });

    const redis = new RedisCache(this, 'Redis', { network });
    const database = new PaymentsDatabase(this, 'Payments', { network, removalPolicy, deletionProtection: prod });
    const media = new MediaBucket(this, 'Media', {
      corsOrigins: config.corsOrigins,
      removalPolicy,
      autoDeleteObjects: !prod,
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

    const resources = {
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
    };
    const functions: Record<string, lambda.IFunction> = {};
    for (const [capId, definition] of capabilities) {
      functions[capId] = new CapabilityFunction(this, `${capId}Capability`, { id: capId, definition, resources }).fn;
    }

    const api = new RestApi(this, 'Api', { routes: props.routes ?? routeList, functions, userPool: auth.userPool, removalPolicy });
    new WebFirewall(this, 'Firewall', { stage: api.api.deploymentStage, limits: IP_RATE_LIMITS, removalPolicy });
    monitoring.watchApi(api.api.deploymentStage, functions, data.tables);
    // The payments schema is migrated on deploy, after the database and before the API and the functions that use it.
    new DatabaseMigrations(this, 'Migrations', {
      network,
      database,
      removalPolicy,
      executeBefore: [api, ...capabilities.filter(([, def]) => def.uses.database).map(([capId]) => functions[capId])],
    });

    this.suppressCdkInternals();

    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('ApiUrl', api.api.deploymentStage.urlForPath('/'), 'Base URL of the v1 stage');
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
    output('DbProxyEndpoint', database.proxy.endpoint, 'RDS Proxy endpoint for PostgreSQL');
    output('RedisEndpoint', redis.host, 'ElastiCache Redis primary endpoint');
    output('AlarmTopicArn', monitoring.topic.topicArn, 'Subscribe here to receive alarms');
  }

  /**
   * Singleton Lambda functions CDK itself adds (default-SG restriction, log retention, bucket auto-delete):
   * their code and roles are maintained by AWS CDK, not by this project.
   */
  private suppressCdkInternals(): void {
    for (const child of this.node.children) {
      if (!/CustomResourceProvider$|^LogRetention[a-f0-9]+$/.test(child.node.id)) continue;
      NagSuppressions.addResourceSuppressions(
        child,
        [
          {
            id: 'AwsSolutions-IAM4',
            reason: 'CDK-internal custom resource; its role uses AWSLambdaBasicExecutionRole as written by AWS CDK.',
            appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
          },
          {
            id: 'AwsSolutions-IAM5',
            reason: 'CDK-internal custom resource; its permissions are scoped by AWS CDK to what the resource manages.',
            appliesTo: ['Resource::*'],
          },
          { id: 'AwsSolutions-L1', reason: 'CDK-internal custom resource; AWS CDK chooses and upgrades its runtime.' },
        ],
        true,
      );
    }
  }
}
