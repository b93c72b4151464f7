import type { CfnElement } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { API_STAGE, routesOf } from '../../lambdas/api/routes';

/** The v1 API stack's routes (`api` is that stack's template). */
const routeList = routesOf(API_STAGE);
import { capabilities } from '../../lambdas/capabilities';
import { paymentCapabilities } from '../../lambdas/capabilities/payments';
import { ENV } from '../../lambdas/shared/env-names';
import { queues } from '../../lambdas/shared/queues';
import type { Network } from '../../lib/constructs/network';
import type { PaymentGateways } from '../../lib/constructs/payment-gateways';
import type { PaymentsDatabase } from '../../lib/constructs/payments-database';
import { nagFindings, resourcesOf, synthStack, type Synthesised } from './synth';

/**
 * The payment functions as deployed: the database path (VPC, proxy, secret), the gateways (sandbox by
 * default, a credentials secret in `live`), the cancellation events that feed refunds (SNS -> SQS), the
 * relay's schedule, and each stack's size against CloudFormation's 500-resource limit.
 */
type PaymentCapability = keyof typeof paymentCapabilities;
const PAYMENT_FUNCTIONS: PaymentCapability[] = [
  'payForReservation',
  'readPayments',
  'refundPayment',
  'relayPayments',
  'reconcilePayments',
  'refundCancellations',
];
const ALL_PAYMENT_CAPABILITIES = Object.keys(paymentCapabilities) as PaymentCapability[];
const usesGateways = (id: PaymentCapability) => Boolean((paymentCapabilities[id].uses as { paymentGateways?: boolean }).paymentGateways);
const GATEWAY_USERS = ALL_PAYMENT_CAPABILITIES.filter(usesGateways);
/** Every capability of the stack that uses the gateways: the payment ones, and the counter's (deposits, pay at pick-up). */
const ALL_GATEWAY_USERS = Object.entries(capabilities)
  .filter(([, def]) => (def.uses as { paymentGateways?: boolean }).paymentGateways)
  .map(([id]) => id);

/** A resolved token as the template holds it (plain JSON, comparable with toEqual). */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

/** Lookups on one synthesised app: functions in the functions stack, the resources they use in the data stack. */
const view = ({ stack, template: data, functions: template }: Synthesised) => {
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
  const dataResources = data.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
  const logicalId = (c: Construct) => stack.getLogicalId(c.node.defaultChild as CfnElement);
  const functionId = (capability: string): string => {
    const description = (capabilities as Record<string, { description: string }>)[capability].description;
    const [id] = resourcesOf(template, 'AWS::Lambda::Function').find(([, p]) => p.Description === description) ?? [];
    if (!id) throw new Error(`no function for ${capability}`);
    return id;
  };
  const fn = (capability: string) => resources[functionId(capability)].Properties;
  const env = (capability: string) => fn(capability).Environment.Variables as Record<string, unknown>;
  const roleOf = (fnLogicalId: string): string => resources[fnLogicalId].Properties.Role['Fn::GetAtt'][0];
  const statementsOfRole = (role: string): Statement[] =>
    resourcesOf(template, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Roles.some((r: { Ref: string }) => r.Ref === role))
      .flatMap(([, p]) => p.PolicyDocument.Statement);
  const statements = (capability: string) => statementsOfRole(roleOf(functionId(capability)));
  const actions = (s: Statement) => [s.Action].flat();
  /** Whether one of these statements allows `action` on `resource` (statements merge resources into lists). */
  const allows = (list: Statement[], action: string, resource: unknown) =>
    list.some(
      (s) =>
        s.Effect === 'Allow' &&
        actions(s).includes(action) &&
        [s.Resource].flat().some((r) => JSON.stringify(r) === JSON.stringify(resource)),
    );
  return { resources, dataResources, logicalId, functionId, fn, env, roleOf, statements, statementsOfRole, actions, allows };
};

describe('payment functions, default config (sandbox gateways)', () => {
  const app = synthStack();
  const { stack, template, functions, api } = app;
  const v = view(app);
  const database = stack.node.findChild('Payments') as PaymentsDatabase;
  const network = stack.node.findChild('Network') as Network;
  const gateways = stack.node.findChild('PaymentGateways') as PaymentGateways;
  const dbSecretArn = plain(stack.resolve(database.cluster.secret!.secretArn));
  const proxyEndpoint = plain(stack.resolve(database.proxy.endpoint));
  const paymentEventsQueueId = v.logicalId(stack.node.findChild('Queues').node.findChild('paymentEventsQueue'));
  const topicId = v.logicalId(stack.node.findChild('Notifications').node.findChild('BookingEvents'));

  test('the capability list: which functions use the database and which the gateways', () => {
    expect([...ALL_PAYMENT_CAPABILITIES].sort()).toEqual([...PAYMENT_FUNCTIONS, 'listPaymentMethods'].sort());
    expect([...GATEWAY_USERS].sort()).toEqual([
      'payForReservation',
      'reconcilePayments',
      'refundCancellations',
      'refundPayment',
      'relayPayments',
    ]);
    // Besides payments, the counter's hand-overs take and release holds (deposits, pay at pick-up), and a
    // change charges or refunds its difference.
    expect([...ALL_GATEWAY_USERS].sort()).toEqual([...GATEWAY_USERS, 'changeReservation', 'pickUpRental', 'returnRental'].sort());
  });

  test.each(PAYMENT_FUNCTIONS)('%s: in the VPC with the proxy endpoint and the database secret, which it may read', (id) => {
    const props = v.fn(id);
    expect(props.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [v.logicalId(network.functionsSecurityGroup), 'GroupId'] }]);
    expect(props.VpcConfig.SubnetIds.length).toBeGreaterThanOrEqual(2);
    expect(v.env(id)).toMatchObject({
      [ENV.dbProxyEndpoint]: proxyEndpoint,
      [ENV.dbSecretArn]: dbSecretArn,
      [ENV.dbName]: database.databaseName,
    });
    expect(v.allows(v.statements(id), 'secretsmanager:GetSecretValue', dbSecretArn)).toBe(true);
    // ENIs in the VPC, without the managed policy's logs:* on every log group.
    expect(v.statements(id).flatMap(v.actions)).toContain('ec2:CreateNetworkInterface');
  });

  test.each(PAYMENT_FUNCTIONS)('%s: PAYMENT_GATEWAY_MODE=sandbox exactly when it uses the gateways; never a gateway secret', (id) => {
    if (usesGateways(id)) expect(v.env(id)[ENV.paymentGatewayMode]).toBe('sandbox');
    else expect(v.env(id)[ENV.paymentGatewayMode]).toBeUndefined();
    expect(v.env(id)[ENV.paymentGatewaySecretArn]).toBeUndefined();
  });

  test('sandbox: no PaymentGatewaySecret in the stack, and no function names one', () => {
    expect(gateways.mode).toBe('sandbox');
    expect(gateways.secret).toBeUndefined();
    expect(gateways.node.tryFindChild('Credentials')).toBeUndefined();
    const secrets = resourcesOf(template, 'AWS::SecretsManager::Secret');
    expect(secrets.filter(([id, p]) => /PaymentGateways/.test(id) || /Payment gateway/i.test(p.Description ?? ''))).toEqual([]);
    // The secrets that exist are Redis AUTH, the database credentials and the cursor-sealing key.
    expect(secrets).toHaveLength(3);
    for (const [, p] of [...resourcesOf(template, 'AWS::Lambda::Function'), ...resourcesOf(functions, 'AWS::Lambda::Function')]) {
      expect(p.Environment?.Variables?.[ENV.paymentGatewaySecretArn]).toBeUndefined();
    }
  });

  test('listPaymentMethods: outside the VPC, no database settings, no secret, nothing but logs and traces', () => {
    const props = v.fn('listPaymentMethods');
    expect(props.VpcConfig).toBeUndefined();
    const variables = Object.keys(v.env('listPaymentMethods'));
    for (const name of [
      ENV.dbProxyEndpoint,
      ENV.dbSecretArn,
      ENV.dbName,
      ENV.databaseUrl,
      ENV.paymentGatewayMode,
      ENV.paymentGatewaySecretArn,
    ]) {
      expect(variables).not.toContain(name);
    }
    const actions = v.statements('listPaymentMethods').flatMap(v.actions);
    expect(actions.filter((a) => !/^(logs|xray):/.test(a))).toEqual([]);
    expect(JSON.stringify(v.statements('listPaymentMethods'))).not.toContain(JSON.stringify(dbSecretArn));
  });

  test('refundCancellations: an SQS event source on the standard payment-events queue, partial batch failures', () => {
    const mappings = resourcesOf(functions, 'AWS::Lambda::EventSourceMapping').filter(
      ([, p]) => p.FunctionName.Ref === v.functionId('refundCancellations'),
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0][1]).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [paymentEventsQueueId, 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const queue = v.dataResources[paymentEventsQueueId].Properties;
    expect(queue.QueueName).toBe('payment-events');
    expect(queues.paymentEvents.fifo).toBe(false);
    expect(queue.FifoQueue).toBeUndefined();
    expect(queue.ContentBasedDeduplication).toBeUndefined();
    // Visibility is six times its consumer's timeout.
    expect(queue.VisibilityTimeout).toBe(6 * paymentCapabilities.refundCancellations.timeoutSeconds);
  });

  test('the notifications topic delivers ReservationCancelled and ReservationNoShow events, raw, to the payment-events queue, which lets it send', () => {
    const subscriptions = resourcesOf(template, 'AWS::SNS::Subscription');
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0][1]).toEqual({
      Protocol: 'sqs',
      TopicArn: { Ref: topicId },
      Endpoint: { 'Fn::GetAtt': [paymentEventsQueueId, 'Arn'] },
      RawMessageDelivery: true,
      FilterPolicy: { type: ['ReservationCancelled', 'ReservationNoShow'] },
    });
    const [policy, ...more] = resourcesOf(template, 'AWS::SQS::QueuePolicy').filter(([, p]) =>
      p.Queues.some((q: { Ref: string }) => q.Ref === paymentEventsQueueId),
    );
    expect(more).toEqual([]);
    expect(policy[1].PolicyDocument.Statement).toContainEqual({
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Principal: { Service: 'sns.amazonaws.com' },
      Resource: { 'Fn::GetAtt': [paymentEventsQueueId, 'Arn'] },
      Condition: { ArnEquals: { 'aws:SourceArn': { Ref: topicId } } },
    });
  });

  test.each([
    ['relayPayments', 'rate(1 minute)'],
    ['reconcilePayments', 'rate(5 minutes)'],
  ])('%s: an EventBridge rule at %s that may invoke it; no event source', (capability, rate) => {
    const relay = v.functionId(capability);
    const rules = resourcesOf(functions, 'AWS::Events::Rule').filter(([, p]) =>
      p.Targets.some((t: { Arn: unknown }) => JSON.stringify(t.Arn) === JSON.stringify({ 'Fn::GetAtt': [relay, 'Arn'] })),
    );
    expect(rules).toHaveLength(1);
    expect(rules[0][1]).toMatchObject({ ScheduleExpression: rate, State: 'ENABLED' });
    functions.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [relay, 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [rules[0][0], 'Arn'] },
    });
    expect(resourcesOf(functions, 'AWS::Lambda::EventSourceMapping').filter(([, p]) => p.FunctionName.Ref === relay)).toEqual([]);
  });

  test(`API Gateway may invoke functions from the ${API_STAGE} stage only: no test-invoke permissions`, () => {
    const [[stageId, stage]] = resourcesOf(api, 'AWS::ApiGateway::Stage');
    expect(stage.StageName).toBe(API_STAGE);
    const permissions = resourcesOf(api, 'AWS::Lambda::Permission').filter(([, p]) => p.Principal === 'apigateway.amazonaws.com');
    // One per function the API integrates (not one per method), all in the API's stack.
    expect(permissions).toHaveLength(new Set(routeList.map((r) => r.capability)).size);
    expect(permissions.length).toBeLessThan(routeList.length);
    for (const [id, p] of permissions) {
      const sourceArn = JSON.stringify(p.SourceArn);
      expect([id, sourceArn]).toEqual([id, expect.stringContaining(JSON.stringify({ Ref: stageId }))]);
      expect(sourceArn).not.toContain('test-invoke-stage');
    }
    for (const t of app.stacks.all.map(app.templateOf)) expect(JSON.stringify(t.toJSON())).not.toContain('test-invoke-stage');
  });

  test('every stack stays well under the 500-resource limit (the table: test/infra/stacks.test.ts)', () => {
    for (const s of app.stacks.all)
      expect([s.stackName, Object.keys(app.templateOf(s).toJSON().Resources).length <= 400]).toEqual([s.stackName, true]);
  });
});

describe("payment functions with paymentGateways: 'live'", () => {
  const app = synthStack({ nag: true, config: { paymentGateways: 'live' } });
  const { stack, template, functions } = app;
  const v = view(app);
  const gateways = stack.node.findChild('PaymentGateways') as PaymentGateways;
  const secretArn = () => plain(stack.resolve(gateways.secret!.secretArn));

  test('a credentials secret exists', () => {
    expect(gateways.secret).toBeDefined();
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: 'Payment gateway credentials (Stripe, PayPal): fill in before taking live payments.',
    });
    expect(resourcesOf(template, 'AWS::SecretsManager::Secret')).toHaveLength(4);
  });

  test.each(ALL_PAYMENT_CAPABILITIES)('%s: mode live and the secret ARN exactly when it uses the gateways', (id) => {
    if (usesGateways(id)) {
      expect(v.env(id)).toMatchObject({ [ENV.paymentGatewayMode]: 'live', [ENV.paymentGatewaySecretArn]: secretArn() });
    } else {
      expect(v.env(id)[ENV.paymentGatewayMode]).toBeUndefined();
      expect(v.env(id)[ENV.paymentGatewaySecretArn]).toBeUndefined();
    }
  });

  test('secretsmanager:GetSecretValue on the gateway secret is granted to the gateway users only', () => {
    const secret = JSON.stringify(secretArn());
    // Every policy that mentions the secret at all, whatever the action, belongs to a gateway user's role.
    const rolesNamingIt = [...resourcesOf(template, 'AWS::IAM::Policy'), ...resourcesOf(functions, 'AWS::IAM::Policy')]
      .filter(([, p]) => JSON.stringify(p.PolicyDocument).includes(secret))
      .flatMap(([, p]) => p.Roles.map((r: { Ref: string }) => r.Ref))
      .sort();
    expect(rolesNamingIt).toEqual(ALL_GATEWAY_USERS.map((id) => v.roleOf(v.functionId(id))).sort());
    for (const id of ALL_GATEWAY_USERS) expect(v.allows(v.statements(id), 'secretsmanager:GetSecretValue', secretArn())).toBe(true);
    // No resource policy on the secret opens it to anyone else.
    expect(resourcesOf(template, 'AWS::SecretsManager::ResourcePolicy').filter(([, p]) => JSON.stringify(p.SecretId) === secret)).toEqual(
      [],
    );
    // No function outside the gateway users names the secret.
    for (const [, p] of [...resourcesOf(template, 'AWS::Lambda::Function'), ...resourcesOf(functions, 'AWS::Lambda::Function')]) {
      if (!ALL_GATEWAY_USERS.some((id) => p.Description === (capabilities as Record<string, { description: string }>)[id].description)) {
        expect(p.Environment?.Variables?.[ENV.paymentGatewaySecretArn]).toBeUndefined();
      }
    }
  });

  test('cdk-nag stays clean', () => {
    expect(nagFindings(app)).toEqual([]);
  });

  test('every stack still under the resource limit', () => {
    const counts = app.stacks.all.map((s) => [s.stackName, Object.keys(app.templateOf(s).toJSON().Resources).length] as const);
    console.log(`live gateways: ${counts.map(([name, count]) => `${name} ${count}`).join(', ')} resources (CloudFormation limit 500)`);
    for (const [name, count] of counts) expect([name, count <= 400]).toEqual([name, true]);
  });
});
