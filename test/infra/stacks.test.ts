import { API_VERSIONS } from '../../lambdas/api/routes';
import { BASE_STACK_ID } from '../../lib/stage';
import { synthStack, type Synthesised } from './synth';

/**
 * The app as stacks by concern, each well inside CloudFormation's quotas (500 resources and 200 outputs
 * a stack), with the headroom printed on every run: ceilings of 400 and 160 leave a fifth for growth, and
 * a stack that passes one is the moment to split it (the functions stack by area, say).
 */
const RESOURCE_CEILING = 400;
const OUTPUT_CEILING = 160;

interface Row {
  stack: string;
  resources: number;
  outputs: number;
}

const rows = ({ stacks, templateOf }: Synthesised): Row[] =>
  stacks.all.map((stack) => {
    const json = templateOf(stack).toJSON();
    return { stack: stack.stackName, resources: Object.keys(json.Resources).length, outputs: Object.keys(json.Outputs ?? {}).length };
  });

const table = (title: string, lines: Row[]): string =>
  [
    title,
    `${'stack'.padEnd(32)} ${'resources'.padStart(9)} ${'of 500'.padStart(7)} ${'outputs'.padStart(8)} ${'of 200'.padStart(7)}`,
    ...lines.map(
      (r) =>
        `${r.stack.padEnd(32)} ${String(r.resources).padStart(9)} ${`${Math.round(r.resources / 5)}%`.padStart(7)} ${String(r.outputs).padStart(8)} ${`${Math.round(r.outputs / 2)}%`.padStart(7)}`,
    ),
  ].join('\n');

/**
 * Stateful resources by type, as the one-stack app (id CarRentalStack) named them: they must keep these
 * logical ids in that stack, or CloudFormation would create new ones (a new, empty table) and delete the old.
 */
const STATEFUL: Record<string, string[]> = {
  'AWS::DynamoDB::Table': ['Tablesusers5E6EC114', 'Tablescars32021538', 'Tablesreservations613D5D08', 'Tablesfeedback2FB5C22F'],
  'AWS::SQS::Queue': [
    'QueuesbookingDlq7D5C6310',
    'QueuesbookingQueue4FFB51F8',
    'QueuespaymentEventsDlq41CB7890',
    'QueuespaymentEventsQueue9A806527',
    'aggregateRatingsCapabilityStreamFailuresFF0A8770',
  ],
  'AWS::RDS::DBCluster': ['PaymentsCluster1149A102'],
  'AWS::RDS::DBInstance': ['PaymentsClusterWriter7ADBDD03', 'PaymentsClusterReader69D51480'],
  'AWS::RDS::DBProxy': ['PaymentsClusterProxyD18AAF7B'],
  // MediaCdnLogs: the photo CDN's access logs (issue 23), pinned from its first release.
  'AWS::S3::Bucket': ['MediaAccessLogsD396FE12', 'MediaCarMediaD915E6C9', 'MediaCdnLogsBBE5B76F'],
  'AWS::Cognito::UserPool': ['AuthUserPool8115E87F'],
  'AWS::Cognito::UserPoolClient': ['AuthUserPoolApiClient9CFE2E12'],
  'AWS::ElastiCache::ReplicationGroup': ['RedisReplicationGroup3B65AB4E'],
  'AWS::EC2::VPC': ['NetworkVpc7FB7348F'],
  'AWS::SecretsManager::Secret': [
    'RedisAuthToken9E34F6A5',
    'CarRentalStackPaymentsClusterSecret9343BC403fdaad7efa858a3daf9490cf0a702aeb',
    'CursorKey255E8F8A',
  ],
  'AWS::SNS::Topic': ['MonitoringAlarmTopicAF62D4F1', 'NotificationsBookingEvents92E329C3'],
  'AWS::KMS::Key': ['MonitoringTopicKey423AF5B2'],
};

describe('stacks by concern', () => {
  const app = synthStack();
  const counts = rows(app);

  test(`each stack at most ${RESOURCE_CEILING} resources and ${OUTPUT_CEILING} outputs`, () => {
    console.log(table('Resources per stack (CloudFormation quotas: 500 resources, 200 outputs)', counts));
    for (const r of counts) {
      expect({ ...r, withinResources: r.resources <= RESOURCE_CEILING, withinOutputs: r.outputs <= OUTPUT_CEILING }).toEqual({
        ...r,
        withinResources: true,
        withinOutputs: true,
      });
    }
  });

  test('one API stack per API version, each with its stage named by the version', () => {
    expect(app.stacks.all.map((s) => s.stackName)).toEqual([
      BASE_STACK_ID,
      `${BASE_STACK_ID}-Functions`,
      ...API_VERSIONS.map((v) => `${BASE_STACK_ID}-Api-${v}`),
      `${BASE_STACK_ID}-Monitoring`,
    ]);
    for (const version of API_VERSIONS) {
      const stages = Object.values(app.templateOf(app.stacks.apis[version]).findResources('AWS::ApiGateway::Stage'));
      expect(stages.map((s) => (s as { Properties: { StageName: string } }).Properties.StageName)).toEqual([version]);
    }
  });

  test('references go one way: data <- functions <- API versions <- monitoring; the data stack imports nothing', () => {
    const { data, functions, apis, monitoring } = app.stacks;
    expect(data.dependencies).toEqual([]);
    expect(JSON.stringify(app.template.toJSON())).not.toContain('Fn::ImportValue');
    expect(functions.dependencies).toEqual([data]);
    for (const api of Object.values(apis)) expect(new Set(api.dependencies)).toEqual(new Set([data, functions]));
    expect(new Set(monitoring.dependencies)).toEqual(new Set([data, functions, ...Object.values(apis)]));
    // The API stacks export nothing: a version can be replaced or removed without untangling an import.
    for (const api of Object.values(apis)) expect(JSON.stringify(app.templateOf(api).toJSON().Outputs)).not.toContain('"Export"');
  });

  test.each(Object.entries(STATEFUL))('%s: in the data stack under the one-stack logical ids, in no other stack', (type, ids) => {
    expect(Object.keys(app.template.findResources(type)).sort()).toEqual([...ids].sort());
    for (const stack of app.stacks.all.filter((s) => s !== app.stacks.data)) {
      expect([stack.stackName, Object.keys(app.templateOf(stack).findResources(type))]).toEqual([stack.stackName, []]);
    }
  });

  test('every API version has its stack: v1 and v2 today', () => {
    expect(counts.map((r) => r.stack)).toEqual(expect.arrayContaining(API_VERSIONS.map((v) => `${BASE_STACK_ID}-Api-${v}`)));
  });
});
