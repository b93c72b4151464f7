import type { RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { isOpenRoute, type RouteDefinition } from '../../lambdas/api/route';
import { errorTemplate, GATEWAY_ERRORS, type GatewayError } from '../api/gateway-responses';
import { requestParameters } from '../api/request-validation';
import { scaledThrottle, type CapacityProfile } from '../capacity-profile';
import { stagedName } from '../stage';

export interface RestApiProps {
  /** The deployment stage (lib/stage.ts): outside prod it prefixes the API's name, which the dashboard's metrics go by. */
  stage: string;
  /** The stage's throttle and the factor on each route's (lib/capacity-profile.ts). */
  capacity: CapacityProfile;
  /** The API version: the stage's name, so its URLs are `/<version>/...`. */
  version: string;
  /** The routes this version serves. */
  routes: readonly RouteDefinition[];
  /** Function of each capability id the routes name. */
  functions: Record<string, lambda.IFunction>;
  userPool: cognito.IUserPool;
  removalPolicy: RemovalPolicy;
}

/** `/cars/{carId}` + `GET` -> `/cars/{carId}/GET`, the key API Gateway method settings use. */
export const methodSettingsKey = (route: Pick<RouteDefinition, 'path' | 'method'>): string =>
  `${route.path === '/' ? '' : route.path}/${route.method}`;

/**
 * One version's REST API, built from the route table and nothing else: one method per route, integrated with its
 * capability's function, authorised by Cognito unless public (the function validates input against the route's zod schemas),
 * throttled per method, with every gateway-made error in the project's JSON error shape (lib/api/gateway-responses.ts).
 */
export class RestApi extends Construct {
  readonly api: apigateway.RestApi;
  private authorizer?: apigateway.CognitoUserPoolsAuthorizer;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: RestApiProps,
  ) {
    super(scope, id);

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });

    // A method-level setting replaces the stage-level one for that method, so it repeats logging and metrics.
    const observability = { loggingLevel: apigateway.MethodLoggingLevel.INFO, metricsEnabled: true, dataTraceEnabled: false };

    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: stagedName(props.stage, `car-rental-api-${props.version}`),
      description: `Car rental platform API ${props.version}`,
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // The account-level role for execution logs is set once for every version (ApiGatewayAccount, data stack).
      cloudWatchRole: false,
      deployOptions: {
        stageName: props.version,
        tracingEnabled: true,
        ...observability, // no data trace: it would log request bodies (passwords, tokens)
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        throttlingRateLimit: props.capacity.stageThrottle.rateLimit,
        throttlingBurstLimit: props.capacity.stageThrottle.burstLimit,
        methodOptions: Object.fromEntries(
          props.routes.map((route) => {
            const throttle = scaledThrottle(props.capacity, route.throttle);
            return [
              methodSettingsKey(route),
              { ...observability, throttlingRateLimit: throttle.rateLimit, throttlingBurstLimit: throttle.burstLimit },
            ];
          }),
        ),
      },
    });
    // The stack exports the stage URL as ApiUrl; drop CDK's automatic duplicate output.
    this.api.node.tryRemoveChild('Endpoint');
    NagSuppressions.addResourceSuppressions(
      this.api,
      [
        {
          id: 'AwsSolutions-APIG2',
          reason:
            "Request validation is the functions' job, against the route table's zod schemas: a gateway validator would answer first with a message and no details.fields, unlike the local runtime.",
        },
      ],
      true,
    );

    // No request validator: its refusals carry no `details.fields` and would differ from the local runtime's.
    // Every input is validated once, by the function, in AWS and locally alike (lambdas/http/request.ts).
    for (const error of Object.values(GATEWAY_ERRORS) as GatewayError[]) {
      if (!error.aws) continue; // answered by API Gateway with a body no gateway response changes
      const headers = Object.fromEntries(Object.entries(error.headers ?? {}).map(([k, v]) => [k, `'${v}'`]));
      this.api.addGatewayResponse(error.aws.id, {
        type: apigateway.ResponseType.of(error.aws.type),
        statusCode: error.gatewayPicksStatus ? undefined : String(error.status),
        responseHeaders: { 'Content-Type': "'application/json'", ...headers },
        templates: { 'application/json': errorTemplate(error) },
      });
    }

    // One integration and one invoke permission per function: a capability may serve several routes.
    const integrations = new Map<string, apigateway.Integration>();
    const integrationFor = (capability: string) => {
      if (!integrations.has(capability)) {
        const fn = props.functions[capability];
        if (!fn) throw new Error(`No function for capability ${capability}`);
        // LambdaIntegration's proxy integration, without its permission per method (and per test invoke):
        // one permission per function and API version, made here so it lives in the API's stack, for any
        // method of this stage only (not the console's test-invoke-stage, not another stage). Trade-off: a
        // method of this stage misrouted to a function could invoke it; the route table is the only source
        // of integrations, and each function enforces its own route's access and schemas whoever calls it.
        integrations.set(
          capability,
          new apigateway.AwsIntegration({ proxy: true, service: 'lambda', path: `2015-03-31/functions/${fn.functionArn}/invocations` }),
        );
        fn.addPermission(`Invoke${capability}`, {
          principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
          scope: this,
          sourceArn: this.api.arnForExecuteApi('*', '/*', this.api.deploymentStage.stageName),
        });
      }
      return integrations.get(capability)!;
    };

    for (const route of props.routes) {
      const resource = this.api.root.resourceForPath(route.path);
      const method = resource.addMethod(route.method, integrationFor(route.capability), {
        operationName: route.operationId,
        requestParameters: requestParameters(route),
        ...this.authorization(route),
      });
      if (isOpenRoute(route.access)) {
        NagSuppressions.addResourceSuppressions(method, [
          { id: 'AwsSolutions-APIG4', reason: `${route.method} ${route.path} is public by design (route access: ${route.access}).` },
          { id: 'AwsSolutions-COG4', reason: `${route.method} ${route.path} is public by design (route access: ${route.access}).` },
        ]);
      }
    }
  }

  /**
   * Signed-in routes ('customer', 'agent' and 'admin') share one Cognito authorizer; the handler checks the
   * groups with MFA, an agent's locations and ownership, which a user-pool authorizer cannot express.
   */
  private authorization(route: RouteDefinition): apigateway.MethodOptions {
    // An optional route's function verifies a token itself, if one is sent (lambdas/api/route.ts).
    if (isOpenRoute(route.access)) return { authorizationType: apigateway.AuthorizationType.NONE };
    // Created on first use: API Gateway rejects an authorizer attached to no method.
    this.authorizer ??= new apigateway.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [this.props.userPool],
      authorizerName: 'cognito',
    });
    return { authorizationType: apigateway.AuthorizationType.COGNITO, authorizer: this.authorizer };
  }
}
