import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { Network } from './network';

export const REDIS_PORT = 6379;

export interface RedisCacheProps {
  network: Network;
  /** The capacity profile's node type (`cache.t4g.small` for a small deployment). */
  nodeType: string;
  /** Replicas of the primary (at least 1: Multi-AZ failover promotes one). */
  replicas: number;
}

/**
 * ElastiCache Redis for booking locks and caches: two nodes across AZs with automatic failover, TLS and
 * AUTH. Correctness never depends on it (DynamoDB conditions decide bookings); its size is the capacity
 * profile's (lib/capacity-profile.ts): one shard, since the sign-in counters' scripts touch keys of several slots.
 */
export class RedisCache extends Construct {
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** The secret string is the AUTH token itself. */
  readonly authSecret: secretsmanager.Secret;
  readonly host: string;
  readonly port: string;

  constructor(scope: Construct, id: string, props: RedisCacheProps) {
    super(scope, id);
    const { vpc, subnets, functionsSecurityGroup } = props.network;

    this.authSecret = new secretsmanager.Secret(this, 'AuthToken', {
      description: 'ElastiCache Redis AUTH token',
      // AUTH tokens allow printable ASCII except some punctuation; none at all is the simple safe choice.
      generateSecretString: { excludePunctuation: true, passwordLength: 64 },
    });
    NagSuppressions.addResourceSuppressions(this.authSecret, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'Rotating an ElastiCache AUTH token needs a ROTATE/SET modification of the replication group that no hosted rotation supports; the token is only reachable inside the isolated VPC and is rotated by redeploying with a new secret.',
      },
    ]);

    const securityGroup = new ec2.SecurityGroup(this, 'Sg', {
      vpc,
      description: 'ElastiCache Redis: reachable only from the functions security group',
      allowAllOutbound: false,
    });
    securityGroup.addIngressRule(functionsSecurityGroup, ec2.Port.tcp(REDIS_PORT), 'Redis from Lambda functions');

    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'Subnets', {
      description: 'Isolated subnets of the car-rental VPC',
      subnetIds: vpc.selectSubnets(subnets).subnetIds,
    });

    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: 'Car rental locks and caches',
      engine: 'redis',
      engineVersion: '7.1',
      cacheNodeType: props.nodeType,
      numCacheClusters: 1 + props.replicas,
      multiAzEnabled: true,
      automaticFailoverEnabled: true,
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      authToken: this.authSecret.secretValue.unsafeUnwrap(), // a CloudFormation dynamic reference, not the value
      port: REDIS_PORT,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [securityGroup.securityGroupId],
      snapshotRetentionLimit: 1,
      autoMinorVersionUpgrade: true,
    });
    NagSuppressions.addResourceSuppressions(this.replicationGroup, [
      {
        id: 'AwsSolutions-AEC5',
        reason:
          'A non-default port is obscurity, not a control: the security group admits only the functions security group, and TLS plus AUTH are required.',
      },
    ]);

    this.host = this.replicationGroup.attrPrimaryEndPointAddress;
    this.port = this.replicationGroup.attrPrimaryEndPointPort;
  }
}
