import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { API_VERSIONS } from '../../lambdas/api/routes';
import { queueList } from '../../lambdas/shared/queues';
import { addCarRentalStacks, type CarRentalStacks } from '../../lib/car-rental-app';
import { configFromContext } from '../../lib/config';
import { checkStage, stackIds } from '../../lib/stage';
import { prodConfig, testApp } from './synth';

/**
 * Stages side by side: dev and prod synthesised into ONE app (as they would share an account and region)
 * have distinct stack names and share no physical name: no queue, log group, alarm, dashboard, REST API,
 * proxy, function or CloudFormation export name of one is the other's.
 */

/**
 * Properties that name something account-and-region wide, by resource type: two stages with the same
 * value would collide (a queue name) or mix their signals (a REST API's name is its metrics' dimension,
 * a web ACL's metric name its metrics'). A dotted path reaches into an object.
 */
const PHYSICAL: Record<string, string[]> = {
  'AWS::SQS::Queue': ['QueueName'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'Custom::LogRetention': ['LogGroupName'],
  'AWS::CloudWatch::Alarm': ['AlarmName'],
  'AWS::CloudWatch::Dashboard': ['DashboardName'],
  'AWS::ApiGateway::RestApi': ['Name'],
  'AWS::WAFv2::WebACL': ['Name', 'VisibilityConfig.MetricName'],
  'AWS::RDS::DBProxy': ['DBProxyName'],
  'AWS::RDS::DBCluster': ['DBClusterIdentifier'],
  'AWS::Serverless::Application': ['Parameters.functionName'],
  'AWS::Lambda::Function': ['FunctionName'],
  'AWS::SecretsManager::Secret': ['Name'],
  'AWS::SSM::Parameter': ['Name'],
  'AWS::DynamoDB::Table': ['TableName'],
  'AWS::S3::Bucket': ['BucketName'],
  'AWS::SNS::Topic': ['TopicName'],
  'AWS::Cognito::UserPool': ['UserPoolName'],
  'AWS::ElastiCache::ReplicationGroup': ['ReplicationGroupId'],
  'AWS::IAM::Role': ['RoleName'],
  // The daily backups' vault: CDK names it from the stack and construct path (one per stage).
  'AWS::Backup::BackupVault': ['BackupVaultName'],
  // With a standby region only (not synthesised here): account-wide names built from the stage in lib/stage.ts.
  'AWS::RDS::GlobalCluster': ['GlobalClusterIdentifier'],
  'AWS::DynamoDB::GlobalTable': ['TableName'],
};

/** Name-like properties that are not account-wide: scoped to their parent, or naming something AWS owns. */
const SCOPED: Record<string, string[]> = {
  'AWS::ApiGateway::Authorizer': ['Name'], // per REST API
  'AWS::ApiGateway::Method': ['OperationName'],
  'AWS::ApiGateway::Stage': ['StageName'], // per REST API (the version)
  'AWS::CloudWatch::Alarm': ['MetricName'], // the metric it reads
  'AWS::Cognito::UserPoolGroup': ['GroupName'], // per user pool
  'AWS::EC2::VPCEndpoint': ['ServiceName'], // the AWS service's
  'AWS::IAM::Policy': ['PolicyName'], // inline, per role
  'AWS::RDS::DBCluster': ['DBClusterParameterGroupName', 'DatabaseName'], // AWS's default group; a database inside the cluster
  'AWS::RDS::DBProxyTargetGroup': ['TargetGroupName'], // always `default`, per proxy
  'AWS::SNS::Topic': ['DisplayName', 'KmsMasterKeyId'], // a label; the AWS-managed key
};

interface Named {
  stack: string;
  where: string;
  /** `<type or Export> <name>`: the namespace a name must be unique in. */
  key: string;
}

/**
 * A property value as the name it makes. A Ref to a resource names something CloudFormation generated
 * (unique per stack), so it renders with its stack; a pseudo parameter (the region) renders as itself.
 * Undefined when the value names nothing literally (a bare Ref or GetAtt).
 */
const rendered = (value: unknown, stack: string): string | undefined => {
  const part = (v: unknown): string => {
    if (typeof v === 'string') return v;
    const obj = v as Record<string, unknown>;
    if ('Ref' in obj) return String(obj.Ref).startsWith('AWS::') ? `{${String(obj.Ref)}}` : `{${stack}/${String(obj.Ref)}}`;
    if ('Fn::Join' in obj) {
      const [separator, parts] = obj['Fn::Join'] as [string, unknown[]];
      return parts.map(part).join(separator);
    }
    return `{${stack}/${JSON.stringify(v)}}`;
  };
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'Fn::Join' in value) return part(value);
  return undefined;
};

const at = (properties: Record<string, unknown>, path: string): unknown =>
  path.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), properties);

/** Every name a stack sets explicitly (see PHYSICAL), its exports', and name-like properties nobody classified. */
const namesOf = (stack: Stack): { names: Named[]; unclassified: string[] } => {
  const json = Template.fromStack(stack).toJSON() as {
    Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    Outputs?: Record<string, { Export?: { Name: unknown } }>;
  };
  const names: Named[] = [];
  const unclassified: string[] = [];
  for (const [logicalId, { Type: type, Properties: properties = {} }] of Object.entries(json.Resources)) {
    for (const path of PHYSICAL[type] ?? []) {
      const name = rendered(at(properties, path), stack.stackName);
      if (name !== undefined) names.push({ stack: stack.stackName, where: `${logicalId}.${path}`, key: `${type} ${name}` });
    }
    for (const [key, value] of Object.entries(properties)) {
      const classified = [...(PHYSICAL[type] ?? []), ...(SCOPED[type] ?? [])].some((p) => p.split('.')[0] === key);
      if (/(Name|Identifier|Id)$/.test(key) && rendered(value, stack.stackName) !== undefined && !classified) {
        unclassified.push(`${stack.stackName} ${type} ${key}`);
      }
    }
  }
  for (const [id, output] of Object.entries(json.Outputs ?? {})) {
    const name = rendered(output.Export?.Name, stack.stackName);
    if (name !== undefined) names.push({ stack: stack.stackName, where: `Outputs.${id}`, key: `Export ${name}` });
  }
  return { names, unclassified };
};

/** Names set more than once across the stacks, each with where. */
const collisions = (stacks: readonly Stack[]): Record<string, string[]> => {
  const by = new Map<string, string[]>();
  for (const { stack, where, key } of stacks.flatMap((s) => namesOf(s).names)) by.set(key, [...(by.get(key) ?? []), `${stack} ${where}`]);
  return Object.fromEntries([...by].filter(([, where]) => where.length > 1));
};

describe('stages side by side in one app', () => {
  const app = testApp();
  const stages: Record<string, CarRentalStacks> = {
    dev: addCarRentalStacks(app, { config: { ...prodConfig, stage: 'dev' } }),
    prod: addCarRentalStacks(app, { config: prodConfig }),
  };
  const all = [...stages.dev.all, ...stages.prod.all];

  test('prod keeps the stack ids it was deployed under; dev has its own', () => {
    expect(stages.prod.all.map((s) => s.stackName)).toEqual([
      'CarRentalStack',
      'CarRentalStack-Functions',
      ...API_VERSIONS.map((v) => `CarRentalStack-Api-${v}`),
      'CarRentalStack-Monitoring',
    ]);
    expect(stages.dev.all.map((s) => s.stackName)).toEqual([
      'CarRentalStack-dev',
      'CarRentalStack-dev-Functions',
      ...API_VERSIONS.map((v) => `CarRentalStack-dev-Api-${v}`),
      'CarRentalStack-dev-Monitoring',
    ]);
    expect(stackIds('staging').api('v2')).toBe('CarRentalStack-staging-Api-v2');
  });

  test('every name-like property is classified as account-wide (checked below) or scoped', () => {
    expect(all.flatMap((s) => namesOf(s).unclassified)).toEqual([]);
  });

  test('no physical name (queue, log group, alarm, dashboard, API, proxy, function, export) is set twice', () => {
    expect(collisions(all)).toEqual({});
  });

  test('the names are there to compare: the stage names queues, alarms, dashboard, APIs and WAF logs', () => {
    const keys = (s: CarRentalStacks) => s.all.flatMap((stack) => namesOf(stack).names.map((n) => n.key));
    const dev = keys(stages.dev);
    const prod = keys(stages.prod);
    for (const def of queueList) {
      expect(prod).toContain(`AWS::SQS::Queue ${def.name}`); // prod's queues keep their names: renaming one replaces it
      expect(dev).toContain(`AWS::SQS::Queue dev-${def.name}`);
    }
    expect(dev).toEqual(
      expect.arrayContaining([
        'AWS::SQS::Queue dev-booking-requests-dlq.fifo',
        'AWS::ApiGateway::RestApi dev-car-rental-api-v1',
        'AWS::WAFv2::WebACL dev-car-rental-api-v2',
        'AWS::Logs::LogGroup aws-waf-logs-CarRentalStack-dev-Api-v1',
        'AWS::CloudWatch::Alarm car-rental-dev-booking-requests-dlq-not-empty',
        'AWS::CloudWatch::Alarm car-rental-dev-api-v1-5xx-rate',
        'AWS::CloudWatch::Dashboard car-rental-dev',
      ]),
    );
    expect(prod).toEqual(
      expect.arrayContaining([
        'AWS::ApiGateway::RestApi car-rental-api-v1',
        'AWS::WAFv2::WebACL car-rental-api-v1',
        'AWS::Logs::LogGroup aws-waf-logs-CarRentalStack-Api-v1',
        'AWS::CloudWatch::Alarm car-rental-prod-lambda-throttles',
        'AWS::CloudWatch::Dashboard car-rental-prod',
      ]),
    );
    // Every alarm is named, with its stage.
    for (const [stage, s] of Object.entries(stages)) {
      const alarms = s.all.flatMap((stack) => Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')));
      expect(alarms.length).toBeGreaterThan(10);
      for (const alarm of alarms) expect(alarm.Properties.AlarmName).toMatch(new RegExp(`^car-rental-${stage}-`));
    }
  });

  test('the check is live: the same stage twice collides everywhere', () => {
    const again = addCarRentalStacks(testApp(), { config: prodConfig });
    const found = collisions([...stages.prod.all, ...again.all]);
    for (const type of ['AWS::SQS::Queue', 'AWS::Logs::LogGroup', 'AWS::CloudWatch::Alarm', 'AWS::ApiGateway::RestApi', 'Export']) {
      expect(Object.keys(found).some((key) => key.startsWith(`${type} `))).toBe(true);
    }
  });
});

describe('the stage from context', () => {
  test('defaults to dev: production is an explicit -c stage=prod', () => {
    expect(configFromContext(testApp()).stage).toBe('dev');
    expect(configFromContext(new App({ context: { stage: 'prod' } })).stage).toBe('prod');
    expect(() => configFromContext(new App({ context: { stage: 'Prod' } }))).toThrow(/stage "Prod"/);
  });

  test('must be able to name stacks, queues and alarms', () => {
    for (const ok of ['dev', 'staging', 'prod', 'dev-ana', 'qa2']) expect(checkStage(ok)).toBe(ok);
    for (const bad of ['', 'Dev', 'dev_ana', '-dev', 'dev-', 'dev--ana', '2dev', 'a-very-long-stage-name', 'dev.1']) {
      expect(() => checkStage(bad)).toThrow(/lower-case letters and digits/);
    }
  });
});
