import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { Network } from './network';

export const DB_NAME = 'carrental';
const DB_PORT = 5432;

export interface PaymentsDatabaseProps {
  network: Network;
  removalPolicy: RemovalPolicy;
  deletionProtection: boolean;
  /** Serverless v2 capacity range in ACUs (the capacity profile's). */
  minAcu: number;
  maxAcu: number;
  /**
   * Make the cluster the primary of an Aurora global database of this identifier (a standby region is
   * set): the standby stack's secondary cluster joins it by name (lib/stacks/standby-stack.ts).
   */
  globalClusterIdentifier?: string;
}

/** One engine for the primary and a standby secondary: a global database needs the same major version in both. */
export const PAYMENTS_ENGINE_VERSION = rds.AuroraPostgresEngineVersion.VER_16_6;
export const PAYMENTS_BACKUP_RETENTION = Duration.days(14);

/**
 * Aurora PostgreSQL Serverless v2 for payments (money needs transactions and unique constraints), behind
 * an RDS Proxy so bursts of Lambda invocations share a small pool of connections.
 */
export class PaymentsDatabase extends Construct {
  readonly cluster: rds.DatabaseCluster;
  readonly proxy: rds.DatabaseProxy;
  readonly databaseName = DB_NAME;

  constructor(scope: Construct, id: string, props: PaymentsDatabaseProps) {
    super(scope, id);
    const { vpc, subnets, functionsSecurityGroup, secretsManagerEndpoint } = props.network;

    const clusterSg = new ec2.SecurityGroup(this, 'ClusterSg', {
      vpc,
      description: 'Aurora cluster: reachable from the RDS Proxy and the rotation function only',
      allowAllOutbound: false,
    });

    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: PAYMENTS_ENGINE_VERSION }),
      credentials: rds.Credentials.fromGeneratedSecret('carrental_admin'),
      defaultDatabaseName: DB_NAME,
      writer: rds.ClusterInstance.serverlessV2('Writer', { publiclyAccessible: false }),
      // Same tier as the writer so it can take over at full size.
      readers: [rds.ClusterInstance.serverlessV2('Reader', { scaleWithWriter: true, publiclyAccessible: false })],
      serverlessV2MinCapacity: props.minAcu,
      serverlessV2MaxCapacity: props.maxAcu,
      vpc,
      vpcSubnets: subnets,
      securityGroups: [clusterSg],
      port: DB_PORT,
      storageEncrypted: true,
      iamAuthentication: true,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
      backup: { retention: PAYMENTS_BACKUP_RETENTION, preferredWindow: '03:00-04:00' },
      cloudwatchLogsExports: ['postgresql'],
      cloudwatchLogsRetention: logs.RetentionDays.ONE_MONTH,
      copyTagsToSnapshot: true,
    });
    NagSuppressions.addResourceSuppressions(this.cluster, [
      ...(props.deletionProtection
        ? []
        : [
            {
              id: 'AwsSolutions-RDS10',
              reason: 'Non-production stage: the cluster is disposable; production turns deletion protection on.',
            },
          ]),
      {
        id: 'AwsSolutions-RDS11',
        reason:
          'A non-default port is obscurity, not a control: only the RDS Proxy and the rotation function reach the cluster, and only functions reach the proxy.',
      },
    ]);

    if (props.globalClusterIdentifier) {
      // Storage-level replication to the standby region's secondary, typically under a second behind.
      new rds.CfnGlobalCluster(this, 'Global', {
        globalClusterIdentifier: props.globalClusterIdentifier,
        sourceDbClusterIdentifier: this.cluster.clusterArn,
        deletionProtection: props.deletionProtection,
      });
    }

    // Hosted single-user rotation, every 30 days. The proxy reads the secret per new connection.
    this.cluster.addRotationSingleUser({
      automaticallyAfter: Duration.days(30),
      endpoint: secretsManagerEndpoint,
      vpcSubnets: subnets,
    });

    const proxySg = new ec2.SecurityGroup(this, 'ProxySg', {
      vpc,
      description: 'RDS Proxy: reachable only from the functions security group',
      allowAllOutbound: false,
    });
    proxySg.addIngressRule(functionsSecurityGroup, ec2.Port.tcp(DB_PORT), 'PostgreSQL from Lambda functions');

    this.proxy = this.cluster.addProxy('Proxy', {
      secrets: [this.cluster.secret!],
      vpc,
      vpcSubnets: subnets,
      securityGroups: [proxySg],
      requireTLS: true,
      // Functions sign in with the secret's password; IAM auth would also need a token signer in every handler.
      iamAuth: false,
      debugLogging: false,
    });
    // addProxy already opens the cluster's port to the proxy security group (ingress and egress rules).
  }
}
