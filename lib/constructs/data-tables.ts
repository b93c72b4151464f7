import type { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { tableList, type IndexDefinition, type TableDefinition, type TableId } from '../../lambdas/shared/tables';

export interface DataTablesProps {
  removalPolicy: RemovalPolicy;
  deletionProtection: boolean;
  /**
   * A region to replicate every table to: the tables are then global tables (TableV2,
   * AWS::DynamoDB::GlobalTable) with a replica there. A deployed table cannot change type in place: see
   * docs/operations.md, "Standby region", for the migration.
   */
  standbyRegion?: string;
}

const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

const projection = (p: IndexDefinition['projection']) =>
  p === 'ALL' || p === 'KEYS_ONLY'
    ? { projectionType: dynamodb.ProjectionType[p] }
    : { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...p] };

/** One on-demand table per entry of `tableList` (lambdas/shared/tables.ts), the same list the local runtime uses. */
export class DataTables extends Construct {
  readonly tables: Record<TableId, dynamodb.ITable>;

  constructor(scope: Construct, id: string, props: DataTablesProps) {
    super(scope, id);
    const entries = tableList.map((def): [TableId, dynamodb.ITable] => [
      def.id,
      props.standbyRegion ? this.globalTable(def, props, props.standbyRegion) : this.table(def, props),
    ]);
    this.tables = Object.fromEntries(entries) as Record<TableId, dynamodb.ITable>;
  }

  /** The same table as a global table: same keys, indexes, billing, PITR, TTL and stream, plus a replica. */
  private globalTable(def: TableDefinition, props: DataTablesProps, region: string): dynamodb.TableV2 {
    return new dynamodb.TableV2(this, def.id, {
      partitionKey: stringKey(def.partitionKey),
      sortKey: def.sortKey ? stringKey(def.sortKey) : undefined,
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: def.ttlAttribute,
      dynamoStream: def.stream ? dynamodb.StreamViewType.NEW_AND_OLD_IMAGES : undefined,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
      globalSecondaryIndexes: def.indexes.map((index) => ({
        indexName: index.name,
        partitionKey: stringKey(index.partitionKey),
        sortKey: index.sortKey ? stringKey(index.sortKey) : undefined,
        ...projection(index.projection),
      })),
      replicas: [
        { region, deletionProtection: props.deletionProtection, pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true } },
      ],
    });
  }

  private table(def: TableDefinition, props: DataTablesProps): dynamodb.Table {
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
    return table;
  }
}
