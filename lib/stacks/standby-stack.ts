import { Aws, Stack, type StackProps, type RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { Network } from '../constructs/network';
import { PAYMENTS_BACKUP_RETENTION, PAYMENTS_ENGINE_VERSION } from '../constructs/payments-database';
import { mediaReplicaBucketName, standbyVaultName } from '../stage';

interface StandbyProps extends StackProps {
  stage: string;
  removalPolicy: RemovalPolicy;
  deletionProtection: boolean;
}

/**
 * What the standby region holds before the primary data stack deploys (it points at them by name): the
 * media bucket's replica and the vault the daily backups are copied to. Both are written to, never read,
 * until a failover (docs/operations.md, "Standby region").
 */
export class StandbyStorageStack extends Stack {
  readonly mediaReplica: s3.Bucket;

  constructor(scope: Construct, id: string, props: StandbyProps) {
    super(scope, id, props);
    this.mediaReplica = new s3.Bucket(this, 'MediaReplica', {
      bucketName: mediaReplicaBucketName(props.stage, Aws.ACCOUNT_ID, this.region),
      versioned: true, // replication needs it on both sides
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: !props.deletionProtection,
    });
    NagSuppressions.addResourceSuppressions(this.mediaReplica, [
      {
        id: 'AwsSolutions-S1',
        reason: 'Written only by S3 replication from the primary bucket (whose access is logged); nothing reads it before a failover.',
      },
    ]);
    new backup.BackupVault(this, 'Vault', { backupVaultName: standbyVaultName(props.stage), removalPolicy: props.removalPolicy });
  }
}

/**
 * The Aurora global database's secondary cluster in the standby region, after the primary data stack
 * (which creates the global cluster): an isolated VPC like the primary's, one Serverless v2 instance the
 * primary's size, read-only until promoted. Redis, queues, functions and APIs are not here: a failover
 * deploys the app into this region (they start empty), see docs/operations.md.
 */
export class StandbyDatabaseStack extends Stack {
  constructor(
    scope: Construct,
    id: string,
    props: StandbyProps & { globalClusterIdentifier: string; aurora: { minAcu: number; maxAcu: number } },
  ) {
    super(scope, id, props);
    const network = new Network(this, 'Network', { interfaceEndpoints: [], removalPolicy: props.removalPolicy });
    const subnets = new rds.SubnetGroup(this, 'Subnets', {
      vpc: network.vpc,
      vpcSubnets: network.subnets,
      description: 'Payments standby cluster',
      removalPolicy: props.removalPolicy,
    });
    const sg = new ec2.SecurityGroup(this, 'ClusterSg', {
      vpc: network.vpc,
      description: 'Payments standby cluster: nothing reaches it until a failover deploys the app here',
      allowAllOutbound: false,
    });
    const engine = rds.DatabaseClusterEngine.auroraPostgres({ version: PAYMENTS_ENGINE_VERSION });
    const cluster = new rds.CfnDBCluster(this, 'Cluster', {
      globalClusterIdentifier: props.globalClusterIdentifier,
      engine: engine.engineType,
      engineVersion: PAYMENTS_ENGINE_VERSION.auroraPostgresFullVersion,
      dbSubnetGroupName: subnets.subnetGroupName,
      vpcSecurityGroupIds: [sg.securityGroupId],
      storageEncrypted: true,
      enableIamDatabaseAuthentication: true,
      deletionProtection: props.deletionProtection,
      backupRetentionPeriod: PAYMENTS_BACKUP_RETENTION.toDays(),
      copyTagsToSnapshot: true,
      enableCloudwatchLogsExports: ['postgresql'],
      serverlessV2ScalingConfiguration: { minCapacity: props.aurora.minAcu, maxCapacity: props.aurora.maxAcu },
    });
    cluster.applyRemovalPolicy(props.removalPolicy);
    new rds.CfnDBInstance(this, 'Reader', {
      dbClusterIdentifier: cluster.ref,
      dbInstanceClass: 'db.serverless',
      engine: engine.engineType,
      publiclyAccessible: false,
    });
    NagSuppressions.addResourceSuppressions(cluster, [
      ...(props.deletionProtection
        ? []
        : [
            {
              id: 'AwsSolutions-RDS10',
              reason: 'Non-production stage: the standby cluster is disposable; production turns deletion protection on.',
            },
          ]),
      {
        id: 'AwsSolutions-RDS11',
        reason: 'The primary cluster’s port, as a secondary of a global database must; a non-default port is obscurity, not a control.',
      },
    ]);
  }
}
