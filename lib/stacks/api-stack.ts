import { CfnOutput, Stack, type RemovalPolicy, type StackProps } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { IP_RATE_LIMITS } from '../../lambdas/api/routes';
import { scaledIpLimits, type CapacityProfile } from '../capacity-profile';
import type { RouteDefinition } from '../../lambdas/api/route';
import { RestApi } from '../constructs/rest-api';
import { WebFirewall } from '../constructs/web-firewall';
import { stagedName } from '../stage';

export interface ApiStackProps extends StackProps {
  /** The deployment stage (lib/stage.ts): names the REST API and the web ACL's metric. */
  stage: string;
  /** Stage, route and per-IP limits (lib/capacity-profile.ts). */
  capacity: CapacityProfile;
  version: string;
  routes: readonly RouteDefinition[];
  functions: Record<string, lambda.IFunction>;
  userPool: cognito.IUserPool;
  removalPolicy: RemovalPolicy;
}

/** One API version: its REST API (stage = version), the functions' invoke permissions, its WAF web ACL, its URL. */
export class ApiStack extends Stack {
  readonly api: RestApi;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    this.api = new RestApi(this, 'Api', {
      stage: props.stage,
      capacity: props.capacity,
      version: props.version,
      routes: props.routes,
      functions: props.functions,
      userPool: props.userPool,
      removalPolicy: props.removalPolicy,
    });
    new WebFirewall(this, 'Firewall', {
      apiStage: this.api.api.deploymentStage,
      stageName: props.version,
      metricName: stagedName(props.stage, `car-rental-api-${props.version}`),
      limits: scaledIpLimits(props.capacity, IP_RATE_LIMITS),
      removalPolicy: props.removalPolicy,
    });
    new CfnOutput(this, 'ApiUrl', {
      value: this.api.api.deploymentStage.urlForPath('/'),
      description: `Base URL of the ${props.version} stage`,
    });
  }
}
