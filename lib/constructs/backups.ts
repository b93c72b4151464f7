import { Aws, Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import type * as rds from 'aws-cdk-lib/aws-rds';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

export interface BackupsProps {
  tables: dynamodb.ITable[];
  cluster: rds.IDatabaseCluster;
  removalPolicy: RemovalPolicy;
  /** Where each recovery point is copied: the standby region's vault, by region and name (lib/stacks/standby-stack.ts). */
  copyTo?: { region: string; vaultName: string };
}

/** How long a daily recovery point is kept, here and in the standby vault. */
export const BACKUP_RETENTION = Duration.days(35);

/**
 * Daily AWS Backup snapshots of every table and the payments cluster, kept 35 days, copied to the standby
 * region when there is one. On top of what each store keeps itself (PITR on every table: 35 days to the
 * second; Aurora's automated backups: 14 days): a snapshot that survives the table's or cluster's
 * deletion, a region's loss (the copy), and a mistake noticed late.
 */
export class Backups extends Construct {
  readonly plan: backup.BackupPlan;
  readonly vault: backup.BackupVault;

  constructor(scope: Construct, id: string, props: BackupsProps) {
    super(scope, id);
    this.vault = new backup.BackupVault(this, 'Vault', { removalPolicy: props.removalPolicy });
    const copyTo = props.copyTo;
    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupVault: this.vault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'Daily',
          // 05:00 UTC, after Aurora's own backup window (03:00-04:00).
          scheduleExpression: events.Schedule.cron({ hour: '5', minute: '0' }),
          deleteAfter: BACKUP_RETENTION,
          copyActions: copyTo
            ? [
                {
                  destinationBackupVault: backup.BackupVault.fromBackupVaultArn(
                    this,
                    'StandbyVault',
                    `arn:${Aws.PARTITION}:backup:${copyTo.region}:${Aws.ACCOUNT_ID}:backup-vault:${copyTo.vaultName}`,
                  ),
                  deleteAfter: BACKUP_RETENTION,
                },
              ]
            : undefined,
        }),
      ],
    });
    const selection = this.plan.addSelection('Data', {
      resources: [
        ...props.tables.map((t) => backup.BackupResource.fromDynamoDbTable(t)),
        backup.BackupResource.fromRdsDatabaseCluster(props.cluster),
      ],
    });
    NagSuppressions.addResourceSuppressions(
      selection,
      [
        {
          id: 'AwsSolutions-IAM4',
          reason:
            'AWS Backup service role policies (AWSBackupServiceRolePolicyForBackup and ForRestores) are the documented least privilege for the service, which AWS maintains as it adds resource types.',
        },
      ],
      true,
    );
  }
}
