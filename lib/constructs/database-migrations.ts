import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Duration, Stack, type CfnElement, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as triggers from 'aws-cdk-lib/triggers';
import { NagSuppressions } from 'cdk-nag';
import { Construct, type IConstruct } from 'constructs';
import { ENV } from '../../lambdas/shared/env-names';
import { projectRoot } from '../config';
import { shellCommand, sidecarHooks } from '../bundling/sidecars';
import { FUNCTION_DEFAULTS, vpcNetworkInterfaces } from './capability-function';
import type { Network } from './network';
import type { PaymentsDatabase } from './payments-database';

export const MIGRATIONS_DIR = 'migrations';
/** Function timeout: the handler retries connecting to a freshly created proxy for about four minutes. */
const TIMEOUT = Duration.minutes(5);

export interface DatabaseMigrationsProps {
  network: Network;
  database: PaymentsDatabase;
  removalPolicy: RemovalPolicy;
  /**
   * What must not run before the schema is migrated, when it is in this stack (constructs in stacks that
   * deploy after this one wait anyway).
   */
  executeBefore?: IConstruct[];
}

/** A digest of the migration files (names and contents), so any change makes a new function version. */
export const migrationsDigest = (dir = path.join(projectRoot, MIGRATIONS_DIR)): string => {
  const hash = createHash('sha256');
  for (const file of readdirSync(dir)
    .filter((f) => !f.startsWith('.'))
    .sort()) {
    hash
      .update(`${file}\0`)
      .update(readFileSync(path.join(dir, file)))
      .update('\0');
  }
  return hash.digest('hex');
};

/**
 * Runs the payments migrations (migrations/, node-pg-migrate) inside the VPC on deploy: a function with
 * the SQL files copied next to its bundle, connecting as the capability functions do (RDS Proxy,
 * credentials from Secrets Manager), invoked by a CDK trigger after the database (and, being in the data
 * stack, before the function and API stacks deploy). The trigger runs whenever the function's version changes, and the function
 * carries a digest of the migrations, so every deployment that changes them runs them; a failure fails
 * the deployment (CloudFormation rolls back) before anything serves with the new code.
 */
export class DatabaseMigrations extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly trigger: triggers.Trigger;

  constructor(scope: Construct, id: string, props: DatabaseMigrationsProps) {
    super(scope, id);
    const { network, database } = props;
    const secret = database.cluster.secret!;

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: props.removalPolicy });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the payments database migrations on deploy',
    });
    logGroup.grantWrite(role);

    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      ...FUNCTION_DEFAULTS,
      entry: path.join(projectRoot, 'lambdas/handlers/operations/migrate-database.ts'),
      description: 'Applies the payments database migrations (node-pg-migrate) on deploy',
      memorySize: 512,
      timeout: TIMEOUT,
      role,
      logGroup,
      bundling: {
        ...FUNCTION_DEFAULTS.bundling,
        // The SQL files travel next to index.js (/var/task/migrations), where migrate.ts looks for them. No
        // pg sidecar: node-pg-migrate bundles pg itself, and this function never opens the functions' pool.
        ...sidecarHooks([], (inputDir: string, outputDir: string) => [
          shellCommand([
            'node',
            '-e',
            "require('fs').cpSync(process.argv[1], process.argv[2], { recursive: true })",
            path.join(inputDir, MIGRATIONS_DIR),
            path.join(outputDir, MIGRATIONS_DIR),
          ]),
        ]),
      },
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'car-rental',
        [ENV.dbProxyEndpoint]: database.proxy.endpoint,
        [ENV.dbSecretArn]: secret.secretArn,
        [ENV.dbName]: database.databaseName,
        // Part of the function's configuration, so changed migrations always make a new version (and run).
        MIGRATIONS_SHA256: migrationsDigest(),
      },
      vpc: network.vpc,
      vpcSubnets: network.subnets,
      // The proxy admits this group on 5432; the Secrets Manager endpoint admits the VPC on 443.
      securityGroups: [network.functionsSecurityGroup],
    });
    secret.grantRead(this.fn);
    role.addToPrincipalPolicy(vpcNetworkInterfaces());

    this.trigger = new triggers.Trigger(this, 'Trigger', {
      handler: this.fn,
      // Re-run whenever the function's version changes: new code or new migrations (MIGRATIONS_SHA256).
      executeOnHandlerChange: true,
      invocationType: triggers.InvocationType.REQUEST_RESPONSE,
      timeout: TIMEOUT.plus(Duration.minutes(1)),
      executeAfter: [database],
    });
    // What Trigger.executeBefore does, for constructs typed as interfaces (IFunction).
    for (const dependent of props.executeBefore ?? []) dependent.node.addDependency(this.trigger);

    NagSuppressions.addResourceSuppressions(
      role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: 'X-Ray PutTraceSegments/PutTelemetryRecords and VPC ENI management do not support resource-level permissions.',
          appliesTo: ['Resource::*'],
        },
      ],
      true,
    );
    NagSuppressions.addResourceSuppressions(this.fn, [
      { id: 'AwsSolutions-L1', reason: 'Pinned to Node.js 22 (LTS) like every function of the stack: the bundle targets node22.' },
    ]);
    this.suppressTriggerProvider();
  }

  /** The trigger's provider (a CDK singleton in the stack) may invoke any version of this function. */
  private suppressTriggerProvider(): void {
    const stack = Stack.of(this);
    const provider = stack.node.tryFindChild('AWSCDK.TriggerCustomResourceProviderCustomResourceProvider');
    if (!provider) return;
    const fnId = stack.getLogicalId(this.fn.node.defaultChild as CfnElement);
    NagSuppressions.addResourceSuppressions(
      provider,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: 'CDK triggers invoke the function version current at deploy time, so the grant covers <function>:* of this one function.',
          appliesTo: [`Resource::<${fnId}.Arn>:*`],
        },
      ],
      true,
    );
  }
}
