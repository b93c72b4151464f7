import type { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { tableList, type IndexDefinition, type TableId } from '../../lambdas/shared/tables';

export interface DataTablesProps {
  removalPolicy: RemovalPolicy;
  deletionProtection: boolean;
}

const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

const projection = (p: IndexDefinition['projection']) =>
  p === 'ALL' || p === 'KEYS_ONLY'
    ? { projectionType: dynamodb.ProjectionType[p] }
    : { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...p] };

/** One on-demand table per entry of `tableList` (lambdas/shared/tables.ts), the same list the local runtime uses. */
export class DataTables extends Construct {
  readonly tables: Record<TableId, dynamodb.Table>;

  constructor(scope: Construct, id: string, props: DataTablesProps) {
    super(scope, id);
    const entries = tableList.map((def) => {
      const table = new dynamodb.Table(this, def.id, {
        partitionKey: stringKey(def.partitionKey),
        sortKey: def.sortKey ? stringKey(def.sortKey) : undefined,
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        timeToLiveAttribute: def.ttlAttribute,
        stream: def.stream ? dynamodb.StreamViewType.NEW_AND_OLD_IMAGES : undefined,
        deletionProtection: props.deletionProtection,
        removalPolicy: props.removalPolicy,
      });
      for (const index of def.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: stringKey(index.partitionKey),
          sortKey: index.sortKey ? stringKey(index.sortKey) : undefined,
          ...projection(index.projection),
        });
      }
      return [def.id, table] as const;
    });
    this.tables = Object.fromEntries(entries) as Record<TableId, dynamodb.Table>;
  }
}
