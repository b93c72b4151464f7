import type { Environment, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { API_VERSIONS, routesOf, type ApiVersion } from '../lambdas/api/routes';
import type { RouteDefinition } from '../lambdas/api/route';
import { capabilityList, type CapabilityDefinition } from '../lambdas/capabilities';
import { capacityOf, type DeploymentConfig } from './config';
import { ApiStack } from './stacks/api-stack';
import { suppressCdkInternals } from './stacks/cdk-internals';
import { DataStack } from './stacks/data-stack';
import { FunctionsStack } from './stacks/functions-stack';
import { MonitoringStack } from './stacks/monitoring-stack';
import { StandbyDatabaseStack, StandbyStorageStack } from './stacks/standby-stack';
import { globalClusterName, stackIds } from './stage';
import { dataRemovalPolicy, isProd } from './config';

export type { ApiVersion };

export interface CarRentalProps {
  config: DeploymentConfig;
  env?: Environment;
  /** Defaults to `capabilityList()`; tests pass other sets to exercise every kind of `uses`. */
  capabilities?: ReadonlyArray<readonly [string, CapabilityDefinition]>;
  /** Defaults to each version's routes of the route table (`routesOf`); tests pass others. */
  routes?: readonly RouteDefinition[];
  /** Defaults to API_VERSIONS: one API stack each. */
  versions?: readonly ApiVersion[];
}

export interface CarRentalStacks {
  data: DataStack;
  functions: FunctionsStack;
  apis: Record<string, ApiStack>;
  monitoring: MonitoringStack;
  /** With a `standbyRegion` only: its storage (before the data stack) and its database (after). */
  standby?: { storage: StandbyStorageStack; database: StandbyDatabaseStack };
  /** In deployment order. */
  all: Stack[];
}

/**
 * The platform as stacks by concern, each well inside CloudFormation's 500 resources:
 * `CarRentalStack` (data and shared, deployed first) <- `-Functions` <- `-Api-<version>` per API version
 * <- `-Monitoring`. References go one way only (the later stack imports from the earlier through CDK's
 * exports), so `cdk deploy --all` orders them and no cycle can form. The ids are the stage's
 * (`CarRentalStack-dev`, `CarRentalStack-dev-Functions`...; prod's as above, lib/stage.ts), so one
 * scope may hold several stages.
 */
export const addCarRentalStacks = (scope: Construct, props: CarRentalProps): CarRentalStacks => {
  const { config, env } = props;
  const capabilities = props.capabilities ?? capabilityList();
  const description = (part: string) => `Car rental platform (${config.stage})${part}`;
  const ids = stackIds(config.stage);
  const capacity = capacityOf(config);
  const unknown = Object.keys(capacity.reservedConcurrency).filter((id) => !capabilities.some(([capId]) => capId === id));
  if (unknown.length) throw new Error(`capacity.reservedConcurrency names no capability: ${unknown.join(', ')}`);

  // The standby region's bucket and vault exist before the data stack points replication and copies at them.
  const standbyEnv = config.standbyRegion ? { account: env?.account, region: config.standbyRegion } : undefined;
  const standbyProps = { stage: config.stage, removalPolicy: dataRemovalPolicy(config), deletionProtection: isProd(config) };
  const standbyStorage =
    standbyEnv &&
    new StandbyStorageStack(scope, ids.standbyStorage, {
      env: standbyEnv,
      description: description(': standby region storage'),
      ...standbyProps,
    });

  const data = new DataStack(scope, ids.data, {
    env,
    description: description(''),
    config,
    capabilities,
  });
  if (standbyStorage) data.addStackDependency(standbyStorage, 'media replication and backup copies name the standby bucket and vault');
  // The secondary joins the global database the data stack creates.
  const standbyDatabase =
    standbyEnv &&
    new StandbyDatabaseStack(scope, ids.standbyDatabase, {
      env: standbyEnv,
      description: description(': standby region database'),
      ...standbyProps,
      globalClusterIdentifier: globalClusterName(config.stage),
      // The primary's size, so it can take over at full size.
      aurora: capacity.aurora,
    });
  standbyDatabase?.addStackDependency(data, 'the secondary cluster joins the global database of the primary');

  const functions = new FunctionsStack(scope, ids.functions, {
    env,
    description: description(': functions'),
    capabilities,
    resources: data.resources,
    reservedConcurrency: capacity.reservedConcurrency,
  });

  const apis: Record<string, ApiStack> = {};
  for (const version of props.versions ?? API_VERSIONS) {
    const api = new ApiStack(scope, ids.api(version), {
      env,
      description: description(`: API ${version}`),
      stage: config.stage,
      capacity,
      version,
      routes: props.routes ?? routesOf(version),
      functions: functions.functions,
      userPool: data.resources.auth.userPool,
      removalPolicy: data.resources.removalPolicy,
    });
    // Not always implied by a reference (an API of public routes only names no user pool).
    api.addStackDependency(data, 'the account-level logging role (ApiGatewayAccount) must be set before a stage logs');
    apis[version] = api;
  }

  const monitoring = new MonitoringStack(scope, ids.monitoring, {
    env,
    description: description(': monitoring'),
    monitoring: data.resources.monitoring,
    stages: Object.fromEntries(Object.entries(apis).map(([version, api]) => [version, api.api.api.deploymentStage])),
    functions: functions.functions,
    tables: data.resources.tables,
  });

  // Not implied by a reference (the stage alarms name the API and stage literally): the dashboard follows the APIs.
  for (const api of Object.values(apis)) monitoring.addStackDependency(api, 'stage alarms and dashboard watch every API version');

  const standby = standbyStorage && standbyDatabase ? { storage: standbyStorage, database: standbyDatabase } : undefined;
  const all: Stack[] = [
    ...(standby ? [standby.storage] : []),
    data,
    ...(standby ? [standby.database] : []),
    functions,
    ...Object.values(apis),
    monitoring,
  ];
  for (const stack of all) suppressCdkInternals(stack);
  return { data, functions, apis, monitoring, standby, all };
};
