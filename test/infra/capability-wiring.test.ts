import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { Construct } from 'constructs';
import { encodeRequirements, missingEnvironment } from '../../lambdas/capabilities/environment';
import { ENV } from '../../lambdas/shared/env-names';
import { queues } from '../../lambdas/shared/queues';
import type { TableId } from '../../lambdas/shared/tables';
import type { DataTables } from '../../lib/constructs/data-tables';
import { fixtureCapabilities, fixtureRoutes } from './fixtures';
import { resourcesOf, synthStack } from './synth';

// The app built from the fixture capabilities and routes (every kind of `uses`), once for the file: `stack`
// and `template` are the data stack's, `functions` and `api` the others' (imports resolved, test/infra/synth.ts).
const { stack, template, functions, api } = synthStack({ capabilities: fixtureCapabilities, routes: fixtureRoutes });

const logicalId = (c: Construct) => stack.getLogicalId(c.node.defaultChild as CfnElement);
const tableId = (id: TableId) => logicalId((stack.node.findChild('Tables') as DataTables).tables[id]);

const fn = (capability: string) => {
  const description = fixtureCapabilities.find(([id]) => id === capability)![1].description;
  const [id, props] = resourcesOf(functions, 'AWS::Lambda::Function').find(([, p]) => p.Description === description)!;
  return { id, props, env: props.Environment.Variables as Record<string, unknown> };
};

const statements = (capability: string): Array<{ Action: string | string[]; Resource: unknown }> => {
  const role = fn(capability).props.Role['Fn::GetAtt'][0];
  return resourcesOf(functions, 'AWS::IAM::Policy')
    .filter(([, p]) => p.Roles.some((r: { Ref: string }) => r.Ref === role))
    .flatMap(([, p]) => p.PolicyDocument.Statement);
};
const actionsOn = (capability: string, resourceId: string) =>
  statements(capability)
    .filter((s) => JSON.stringify(s.Resource).includes(`"${resourceId}"`))
    .flatMap((s) => [s.Action].flat());
const allActions = (capability: string) => statements(capability).flatMap((s) => [s.Action].flat());

const READ = ['dynamodb:GetItem', 'dynamodb:Query'];
const WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

describe('table grants follow `uses.tables`', () => {
  test('readWrite: both, including the table’s indexes', () => {
    const actions = actionsOn('fleet', tableId('cars'));
    expect(actions).toEqual(expect.arrayContaining([...READ, ...WRITE]));
    const indexGrant = statements('fleet').find((s) => JSON.stringify(s.Resource).includes('/index/*'));
    expect(JSON.stringify(indexGrant?.Resource)).toContain(tableId('cars'));
    expect(fn('fleet').env.CARS_TABLE).toEqual({ Ref: tableId('cars') });
  });

  test('write only: no reads', () => {
    const actions = actionsOn('signup', tableId('users'));
    expect(actions).toEqual(expect.arrayContaining(WRITE));
    for (const read of READ) expect(actions).not.toContain(read);
  });

  test('read only: no writes; unlisted tables: nothing', () => {
    const actions = actionsOn('reserve', tableId('reservations'));
    expect(actions).toEqual(expect.arrayContaining(READ));
    for (const write of WRITE) expect(actions).not.toContain(write);
    expect(actionsOn('reserve', tableId('cars'))).toEqual([]);
    expect(fn('reserve').env.CARS_TABLE).toBeUndefined();
  });
});

describe('queue, bucket, user pool, VPC', () => {
  const bookingQueueId = () => logicalId(stack.node.findChild('Queues').node.findChild('bookingQueue'));

  test('send: SendMessage only, and the queue URL', () => {
    const queueId = bookingQueueId();
    expect(actionsOn('reserve', queueId)).toEqual(expect.arrayContaining(['sqs:SendMessage']));
    expect(actionsOn('reserve', queueId)).not.toContain('sqs:ReceiveMessage');
    expect(actionsOn('reserve', queueId)).not.toContain('sqs:DeleteMessage');
    expect(fn('reserve').env[queues.booking.envVar]).toEqual({ Ref: queueId });
  });

  test('consume: an SQS event source on the trigger’s queue with partial batch failures and its batch size', () => {
    functions.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fn('worker').id },
      EventSourceArn: { 'Fn::GetAtt': [bookingQueueId(), 'Arn'] },
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(actionsOn('worker', bookingQueueId())).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']));
    // A consumer does not send: no SendMessage, and no URL it has no use for.
    expect(actionsOn('worker', bookingQueueId())).not.toContain('sqs:SendMessage');
    expect(fn('worker').env[queues.booking.envVar]).toBeUndefined();
    expect(fn('worker').props).toMatchObject({ Timeout: 60, MemorySize: 1024 });
    // Only the consumer has an event source.
    expect(resourcesOf(functions, 'AWS::Lambda::EventSourceMapping')).toHaveLength(1);
  });

  test('visibility timeout is six times the longest consumer timeout', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'booking-requests.fifo', VisibilityTimeout: 360 });
  });

  test('schedule: an EventBridge rule at the declared rate', () => {
    functions.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn('sweeper').id, 'Arn'] } })],
    });
  });

  test('notifications: the topic ARN and sns:Publish on that topic only; none without `uses.notifications`', () => {
    const topicId = logicalId(stack.node.findChild('Notifications').node.findChild('BookingEvents'));
    expect(fn('worker').env[ENV.notificationsTopicArn]).toEqual({ Ref: topicId });
    const publish = statements('worker').filter((s) => [s.Action].flat().some((a) => a.startsWith('sns:')));
    expect(publish).toEqual([expect.objectContaining({ Action: 'sns:Publish', Resource: { Ref: topicId } })]);
    // No sender configured here: no SES grant and no sender variable.
    expect(allActions('worker').some((a) => a.startsWith('ses:'))).toBe(false);
    expect(fn('worker').env[ENV.emailSender]).toBeUndefined();
    for (const other of ['fleet', 'signup', 'reserve', 'sweeper']) {
      expect(allActions(other).some((a) => a.startsWith('sns:'))).toBe(false);
      expect(fn(other).env[ENV.notificationsTopicArn]).toBeUndefined();
    }
  });

  test('every fixture function gets the environment its capability requires', () => {
    for (const [id, def] of fixtureCapabilities) {
      expect([id, missingEnvironment(def.uses, fn(id).env as Record<string, string>)]).toEqual([id, []]);
      // ...and states it, for the function's own check at cold start (lambdas/shared/lambda-function.ts).
      expect([id, fn(id).env[ENV.requiredEnvironment]]).toEqual([id, encodeRequirements(def.uses)]);
    }
  });

  test('car media: one exact S3 action per right (read: GetObject, upload: PutObject)', () => {
    expect(allActions('signup').filter((a) => a.startsWith('s3:'))).toEqual(['s3:GetObject']);
    expect(allActions('fleet').filter((a) => a.startsWith('s3:'))).toEqual(['s3:PutObject']);
    expect(fn('fleet').env[ENV.carMediaBucket]).toBeDefined();
  });

  test('rental photos: PutObject on the rental keys only, never on the car photos', () => {
    const s3 = statements('reserve').filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    expect(s3.map((s) => s.Action)).toEqual(['s3:PutObject']);
    expect(JSON.stringify(s3[0].Resource)).toContain('/rentals/*');
    expect(JSON.stringify(s3[0].Resource)).not.toContain('/cars/*');
    expect(fn('reserve').env[ENV.carMediaBucket]).toBeDefined();
  });

  test('user pool: admin gets named Admin* actions on the pool; client gets ids and no IAM', () => {
    const poolId = logicalId(stack.node.findChild('Auth').node.findChild('UserPool'));
    const admin = actionsOn('fleet', poolId);
    expect(admin).toEqual(expect.arrayContaining(['cognito-idp:AdminCreateUser', 'cognito-idp:AdminAddUserToGroup']));
    expect(admin.every((a) => /^cognito-idp:Admin[A-Za-z]+$/.test(a))).toBe(true);
    expect(allActions('signup').some((a) => a.startsWith('cognito-idp:'))).toBe(false);
    expect(fn('signup').env).toMatchObject({ [ENV.userPoolId]: { Ref: poolId }, [ENV.userPoolClientId]: expect.anything() });
  });

  test('interface endpoints follow what in-VPC functions call (SQS, Cognito, SNS and SES)', () => {
    for (const service of ['.sqs', '.cognito-idp', '.secretsmanager', '.sns', '.email']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Interface',
        ServiceName: { 'Fn::Join': ['', Match.arrayWith([service])] },
      });
    }
  });

  test('functions outside the VPC get no VPC config and no ENI permissions', () => {
    expect(fn('fleet').props.VpcConfig).toBeUndefined();
    expect(allActions('fleet')).not.toContain('ec2:CreateNetworkInterface');
    expect(fn('worker').props.VpcConfig).toBeDefined();
    expect(allActions('worker')).toContain('ec2:CreateNetworkInterface');
  });
});

describe('API from a richer route table', () => {
  const method = (operationId: string) => resourcesOf(api, 'AWS::ApiGateway::Method').find(([, p]) => p.OperationName === operationId)![1];

  test('one Cognito authorizer shared by customer and admin routes; public routes have none', () => {
    const authorizers = resourcesOf(api, 'AWS::ApiGateway::Authorizer');
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0][1]).toMatchObject({ Type: 'COGNITO_USER_POOLS', IdentitySource: 'method.request.header.Authorization' });
    for (const op of ['createCar', 'updateCar', 'createReservation']) {
      expect(method(op)).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { Ref: authorizers[0][0] } });
    }
    for (const op of ['searchCars', 'register']) {
      expect(method(op).AuthorizationType).toBe('NONE');
      expect(method(op).AuthorizerId).toBeUndefined();
    }
  });

  test('nested resources follow the path', () => {
    api.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{carId}' });
    api.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'register' });
  });

  test('required parameters come from the zod schemas', () => {
    expect(method('searchCars').RequestParameters).toEqual({
      'method.request.querystring.location': true,
      'method.request.querystring.type': false,
    });
    expect(method('updateCar').RequestParameters).toEqual({ 'method.request.path.carId': true });
    expect(method('createReservation').RequestParameters).toEqual({
      'method.request.header.Idempotency-Key': false,
      'method.request.header.X-Trace': true,
    });
  });

  test('no request validator and no body models: the function validates, so both sides answer with details.fields', () => {
    expect(resourcesOf(api, 'AWS::ApiGateway::Model')).toEqual([]);
    expect(resourcesOf(api, 'AWS::ApiGateway::RequestValidator')).toEqual([]);
    expect(method('createCar').RequestModels).toBeUndefined();
    expect(method('createCar').RequestValidatorId).toBeUndefined();
  });

  test('per-method throttling from each route', () => {
    const [[, stage]] = resourcesOf(api, 'AWS::ApiGateway::Stage');
    expect(stage.MethodSettings).toContainEqual(
      expect.objectContaining({ HttpMethod: 'POST', ResourcePath: '/~1cars', ThrottlingRateLimit: 5, ThrottlingBurstLimit: 7 }),
    );
    expect(stage.MethodSettings).toContainEqual(
      expect.objectContaining({ HttpMethod: 'PUT', ResourcePath: '/~1cars~1{carId}', ThrottlingRateLimit: 10 }),
    );
  });

  test('a function serving several routes is integrated once per method and invocable by API Gateway from each', () => {
    const fleet = fn('fleet').id;
    const fleetMethods = resourcesOf(api, 'AWS::ApiGateway::Method').filter(([, p]) => JSON.stringify(p.Integration.Uri).includes(fleet));
    expect(fleetMethods).toHaveLength(3);
    // One permission for the function in this API, in the API's stack, covering every method of its stage.
    const permissions = resourcesOf(api, 'AWS::Lambda::Permission').filter(
      ([, p]) => p.Principal === 'apigateway.amazonaws.com' && JSON.stringify(p.FunctionName).includes(fleet),
    );
    expect(permissions).toHaveLength(1);
    const [[stageId]] = resourcesOf(api, 'AWS::ApiGateway::Stage');
    const [[apiId]] = resourcesOf(api, 'AWS::ApiGateway::RestApi');
    expect(permissions[0][1]).toMatchObject({ Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': [fleet, 'Arn'] } });
    expect(permissions[0][1].SourceArn['Fn::Join'][1].slice(-4)).toEqual([{ Ref: apiId }, '/', { Ref: stageId }, '/*/*']);
    expect(resourcesOf(functions, 'AWS::Lambda::Permission').filter(([, p]) => p.Principal === 'apigateway.amazonaws.com')).toEqual([]);
  });

  test('the stack refuses a route whose capability has no function', () => {
    expect(() =>
      synthStack({
        capabilities: fixtureCapabilities,
        routes: [{ ...fixtureRoutes[0], capability: 'nope' as never }],
      }),
    ).toThrow(/No function for capability nope/);
  });
});
