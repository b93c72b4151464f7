import { Match, Template } from 'aws-cdk-lib/assertions';
import { capabilityList } from '../../lambdas/capabilities';
import { tableList } from '../../lambdas/shared/tables';
import { primaryRegion } from '../../lib/config';
import { globalClusterName, standbyVaultName } from '../../lib/stage';
import { prodConfig, resourcesOf, synthStack } from './synth';

/**
 * Issue 23: backups, the opt-in standby region, and the alarm on the ratings stream's failures. The
 * default app (no `standbyRegion`) keeps its tables as they are: a type change would replace them.
 */
const primary = synthStack();
const standby = synthStack({ env: { region: 'us-east-1' }, config: { standbyRegion: 'us-west-2' } });

const mediaBucket = (template: Template) => resourcesOf(template, 'AWS::S3::Bucket').find(([, p]) => p.CorsConfiguration)!;

describe('without a standby region', () => {
  test('plain tables, no global database, no replication, no standby stacks', () => {
    const { template, stacks } = primary;
    template.resourceCountIs('AWS::DynamoDB::Table', tableList.length);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    template.resourceCountIs('AWS::RDS::GlobalCluster', 0);
    expect(mediaBucket(template)[1].ReplicationConfiguration).toBeUndefined();
    expect(stacks.standby).toBeUndefined();
    expect(stacks.all.map((s) => s.stackName)).not.toEqual(expect.arrayContaining([expect.stringMatching(/Standby/)]));
  });

  test('daily AWS Backup of every table and the payments cluster, kept 35 days, no copy', () => {
    const { template } = primary;
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            RuleName: 'Daily',
            ScheduleExpression: 'cron(0 5 * * ? *)',
            Lifecycle: { DeleteAfterDays: 35 },
            CopyActions: Match.absent(),
          }),
        ],
      },
    });
    const [[, selection]] = resourcesOf(template, 'AWS::Backup::BackupSelection');
    const resources = JSON.stringify(selection.BackupSelection.Resources);
    for (const table of resourcesOf(template, 'AWS::DynamoDB::Table')) expect(resources).toContain(table[0]);
    expect(resources).toMatch(/PaymentsCluster/);
  });
});

describe('with standbyRegion=us-west-2', () => {
  const { template, stacks } = standby;

  test('every table is a global table with a replica in each region (PITR and deletion protection on both)', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    const globals = resourcesOf(template, 'AWS::DynamoDB::GlobalTable');
    expect(globals).toHaveLength(tableList.length);
    for (const [, props] of globals) {
      expect(props.Replicas.map((r: { Region: string }) => r.Region).sort()).toEqual(['us-east-1', 'us-west-2']);
      for (const replica of props.Replicas) {
        expect(replica).toMatchObject({
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        });
      }
      expect(props.BillingMode).toBe('PAY_PER_REQUEST');
    }
    // Every one streams new and old images (CDK turns the stream on for replication); the feedback's consumer reads it.
    expect(globals.every(([, p]) => p.StreamSpecification?.StreamViewType === 'NEW_AND_OLD_IMAGES')).toBe(true);
    const feedback = stacks.data.resolve((stacks.data.resources.tables.feedback as { tableStreamArn?: string }).tableStreamArn);
    expect(JSON.stringify(feedback)).toMatch(/Tablesfeedback/);
  });

  test('Aurora: a global database from the primary cluster, a secondary cluster joining it in the standby region', () => {
    const [[, global]] = resourcesOf(template, 'AWS::RDS::GlobalCluster');
    expect(global).toMatchObject({ GlobalClusterIdentifier: globalClusterName('prod'), DeletionProtection: true });
    expect(JSON.stringify(global.SourceDBClusterIdentifier)).toMatch(/"Ref":"PaymentsCluster[0-9A-F]+"/);
    expect(stacks.standby!.database.region).toBe('us-west-2');
    const secondary = Template.fromStack(stacks.standby!.database);
    secondary.hasResourceProperties('AWS::RDS::DBCluster', {
      GlobalClusterIdentifier: globalClusterName('prod'),
      Engine: 'aurora-postgresql',
      StorageEncrypted: true,
      DeletionProtection: true,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 8 },
    });
    secondary.resourceCountIs('AWS::RDS::DBInstance', 1);
  });

  test('media replicated (versions and deletions, 15-minute RTC) to a private, versioned bucket in the standby region', () => {
    const replica = Template.fromStack(stacks.standby!.storage);
    const [, bucket] = resourcesOf(replica, 'AWS::S3::Bucket').find(([, p]) => p.VersioningConfiguration)!;
    expect(bucket.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicAcls: true, RestrictPublicBuckets: true });
    expect(JSON.stringify(bucket.BucketName)).toContain('car-rental-prod-media-us-west-2-');
    const rules = mediaBucket(template)[1].ReplicationConfiguration.Rules;
    expect(rules).toEqual([
      expect.objectContaining({
        Status: 'Enabled',
        DeleteMarkerReplication: { Status: 'Enabled' },
        Destination: expect.objectContaining({ ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } } }),
      }),
    ]);
    expect(JSON.stringify(rules[0].Destination.Bucket)).toContain('car-rental-prod-media-us-west-2-');
  });

  test('daily backups are copied to the standby vault', () => {
    Template.fromStack(stacks.standby!.storage).hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: standbyVaultName('prod'),
    });
    const [[, plan]] = resourcesOf(template, 'AWS::Backup::BackupPlan');
    const [copy] = plan.BackupPlan.BackupPlanRule[0].CopyActions;
    expect(copy.Lifecycle).toEqual({ DeleteAfterDays: 35 });
    expect(JSON.stringify(copy.DestinationBackupVaultArn)).toContain(`:backup:us-west-2:`);
    expect(JSON.stringify(copy.DestinationBackupVaultArn)).toContain(`:backup-vault:${standbyVaultName('prod')}`);
  });

  test('deployment order: standby storage, data, standby database, then the rest', () => {
    expect(stacks.all.map((s) => s.stackName).slice(0, 3)).toEqual([
      'CarRentalStack-StandbyStorage',
      'CarRentalStack',
      'CarRentalStack-StandbyDatabase',
    ]);
    expect(stacks.data.dependencies).toContain(stacks.standby!.storage);
    expect(stacks.standby!.database.dependencies).toContain(stacks.data);
  });

  test('the primary region must be known and differ from the standby', () => {
    const config = { ...prodConfig, standbyRegion: 'us-west-2' };
    expect(() => primaryRegion(config, undefined)).toThrow(/primary region must be known/);
    expect(() => primaryRegion(config, 'us-west-2')).toThrow(/is the primary region/);
    expect(primaryRegion({ ...config, region: 'us-east-1' }, undefined)).toBe('us-east-1');
    expect(primaryRegion(prodConfig, undefined)).toBeUndefined();
  });
});

describe('stream consumers', () => {
  test.each(capabilityList().filter(([, def]) => def.trigger?.kind === 'stream'))(
    '%s: an alarm when a batch lands on its failure queue',
    (capId) => {
      const { template } = primary;
      const [queueId] = resourcesOf(template, 'AWS::SQS::Queue').find(([id]) => id.startsWith(`${capId}CapabilityStreamFailures`))!;
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `car-rental-prod-${capId}-stream-failures`,
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Threshold: 1,
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^MonitoringAlarmTopic') }],
      });
    },
  );
});
