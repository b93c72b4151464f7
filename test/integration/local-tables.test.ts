import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { tableList, tables } from '../../lambdas/shared/tables';
import { createTables } from '../../local/standins/resources';
import { testTables, type TestTables } from '../support/aws-services';

// A data dir kept from before an index was re-projected (LOCAL_DATA_DIR) must not leave `npm start`
// querying an index its table lacks.
let aws: TestTables;
beforeAll(async () => {
  aws = await testTables();
}, 60_000);
afterAll(async () => {
  await aws?.drop();
});

it('a table kept from an older data dir gains the indexes declared since (old ones are left)', async () => {
  const prefix = `old-${randomUUID().slice(0, 8)}-`;
  const names = Object.fromEntries(tableList.map((t) => [t.id, `${prefix}${t.id}`]));
  const old = names.reservations;
  // The reservations table as it was: byUser and byCar projecting ALL, and byDue.
  await aws.raw.send(
    new CreateTableCommand({
      TableName: old,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk'].map((AttributeName) => ({
        AttributeName,
        AttributeType: 'S',
      })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: (['byUser', 'byCar', 'byDue'] as const).map((IndexName, i) => ({
        IndexName,
        KeySchema: [
          { AttributeName: `gsi${i + 1}pk`, KeyType: 'HASH' },
          { AttributeName: `gsi${i + 1}sk`, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
  try {
    await createTables(aws.raw, (t) => names[t.id]);
    const { Table } = await aws.raw.send(new DescribeTableCommand({ TableName: old }));
    const indexes = Object.fromEntries((Table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i.Projection?.ProjectionType]));
    for (const index of tables.reservations.indexes) expect(indexes[index.name]).toBe(index.projection);
    expect(indexes.byUser).toBe('ALL');
  } finally {
    await Promise.all(Object.values(names).map((TableName) => aws.raw.send(new DeleteTableCommand({ TableName })).catch(() => undefined)));
  }
});
