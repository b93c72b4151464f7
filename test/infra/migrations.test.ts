import type { CfnElement } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { CapabilityDefinition } from '../../lambdas/capabilities';
import { ENV } from '../../lambdas/shared/env-names';
import type { DatabaseMigrations } from '../../lib/constructs/database-migrations';
import { migrationsDigest } from '../../lib/constructs/database-migrations';
import type { Network } from '../../lib/constructs/network';
import type { PaymentsDatabase } from '../../lib/constructs/payments-database';
import { fixtureCapabilities, fixtureRoutes } from './fixtures';
import { nagFindings, resourcesOf, synthStack } from './synth';

/**
 * Deploy-time migrations (lib/constructs/database-migrations.ts): a function in the VPC that can read the
 * database secret and reach the proxy, run by a CDK trigger in the data stack, after the database and
 * before the API and the functions that use the database (their stacks deploy after the data stack). The
 * fixture capabilities plus one database user stand in for the real list, so the ordering is checked
 * whatever the real capabilities are today.
 */
const entry = 'lambdas/handlers/operations/health.ts';
const payer: [string, CapabilityDefinition] = ['payer', { entry, description: 'fixture: takes payments', uses: { database: true } }];
const app = synthStack({ nag: true, capabilities: [...fixtureCapabilities, payer], routes: fixtureRoutes });
const { stack, template, functions, stacks } = app;
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any; DependsOn?: string[] }>;

const logicalId = (c: Construct) => stack.getLogicalId(c.node.defaultChild as CfnElement);
const migrations = stack.node.findChild('Migrations') as DatabaseMigrations;
const database = stack.node.findChild('Payments') as PaymentsDatabase;
const network = stack.node.findChild('Network') as Network;
const fnId = logicalId(migrations.fn);
const fn = resources[fnId].Properties;
const [[triggerId, trigger]] = resourcesOf(template, 'Custom::Trigger');
const dependsOn = (id: string): string[] => resources[id].DependsOn ?? [];
const functionIdFor = (description: string) =>
  resourcesOf(functions, 'AWS::Lambda::Function').find(([, p]) => p.Description === description)![0];

describe('database migrations on deploy', () => {
  test('one trigger invokes the migration function synchronously, at the version being deployed', () => {
    template.resourceCountIs('Custom::Trigger', 1);
    const [versionId] = resourcesOf(template, 'AWS::Lambda::Version').find(([, p]) => p.FunctionName.Ref === fnId)!;
    expect(trigger).toMatchObject({
      HandlerArn: { Ref: versionId },
      InvocationType: 'RequestResponse',
      ExecuteOnHandlerChange: true,
    });
    // Longer than the function may run, so a slow migration fails as the function's error, not as a timeout.
    expect(Number(trigger.Timeout)).toBeGreaterThan(fn.Timeout * 1000);
  });

  test('the function carries a digest of migrations/, so changed migrations make a new version and run', () => {
    expect(fn.Environment.Variables.MIGRATIONS_SHA256).toBe(migrationsDigest());
    expect(fn.Environment.Variables.MIGRATIONS_SHA256).toMatch(/^[0-9a-f]{64}$/);
  });

  test('it runs in the VPC, in the functions security group the RDS Proxy admits on 5432', () => {
    const sgId = logicalId(network.functionsSecurityGroup);
    expect(fn.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [sgId, 'GroupId'] }]);
    expect(fn.VpcConfig.SubnetIds.length).toBeGreaterThanOrEqual(2);
    const proxySgRef = resourcesOf(template, 'AWS::RDS::DBProxy')[0][1].VpcSecurityGroupIds[0]['Fn::GetAtt'][0];
    expect(
      resourcesOf(template, 'AWS::EC2::SecurityGroupIngress').some(
        ([, p]) =>
          p.GroupId['Fn::GetAtt']?.[0] === proxySgRef && p.SourceSecurityGroupId['Fn::GetAtt']?.[0] === sgId && p.FromPort === 5432,
      ),
    ).toBe(true);
  });

  test('it connects like the functions do: proxy endpoint, database name, credentials from the secret', () => {
    expect(fn.Environment.Variables).toMatchObject({
      [ENV.dbProxyEndpoint]: { 'Fn::GetAtt': [logicalId(database.proxy), 'Endpoint'] },
      [ENV.dbName]: database.databaseName,
      [ENV.dbSecretArn]: { Ref: expect.any(String) },
    });
    const secretRef = fn.Environment.Variables[ENV.dbSecretArn].Ref;
    const roleId = fn.Role['Fn::GetAtt'][0];
    const statements = resourcesOf(template, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Roles.some((r: { Ref: string }) => r.Ref === roleId))
      .flatMap(([, p]) => p.PolicyDocument.Statement);
    const onSecret = statements.filter((s) => JSON.stringify(s.Resource) === JSON.stringify({ Ref: secretRef }));
    expect(onSecret.flatMap((s) => [s.Action].flat())).toEqual(expect.arrayContaining(['secretsmanager:GetSecretValue']));
    // Nothing else beyond logs, X-Ray and ENIs: no table, queue or bucket access.
    expect(statements.flatMap((s) => [s.Action].flat()).filter((a: string) => /^(dynamodb|sqs|s3|sns|cognito-idp):/.test(a))).toEqual([]);
  });

  test('it runs after the database (cluster, instances, proxy and its target) is in place', () => {
    const cluster = logicalId(database.cluster);
    const proxy = logicalId(database.proxy);
    const targetGroup = resourcesOf(template, 'AWS::RDS::DBProxyTargetGroup')[0][0];
    const instances = resourcesOf(template, 'AWS::RDS::DBInstance').map(([id]) => id);
    expect(dependsOn(triggerId)).toEqual(expect.arrayContaining([cluster, proxy, targetGroup, ...instances]));
  });

  test('the API and the functions that use the database wait for it: their stacks deploy after the trigger’s', () => {
    // The trigger is in the data stack, so CloudFormation runs it before any stack that depends on it starts.
    expect(template.toJSON().Resources[triggerId]).toBeDefined();
    for (const dependent of [stacks.functions, ...Object.values(stacks.apis)]) expect(dependent.dependencies).toContain(stack);
    expect(resourcesOf(functions, 'AWS::Lambda::Function').map(([id]) => id)).toContain(functionIdFor('fixture: takes payments'));
    // Every function now waits (its whole stack does), not only the database users; the data stack waits for none.
    expect(stacks.data.dependencies).toEqual([]);
  });

  test('cdk-nag stays clean (the trigger provider and the function are suppressed with reasons)', () => {
    expect(nagFindings(app)).toEqual([]);
  });
});
