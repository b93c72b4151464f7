import { App, type CfnElement } from 'aws-cdk-lib';
import { configFromContext } from '../../lib/config';
import { missingEnvironment } from '../../lambdas/capabilities/environment';
import { Match } from 'aws-cdk-lib/assertions';
import type { Construct } from 'constructs';
import { API_STAGE, API_VERSIONS, STAGE_THROTTLE, routesOf } from '../../lambdas/api/routes';
import { isOpenRoute } from '../../lambdas/api/route';

/** The v1 API stack's routes (`api` is that stack's template). */
const routeList = routesOf(API_STAGE);
import { capabilityList, STREAM_RETRY_ATTEMPTS } from '../../lambdas/capabilities';
import { ENV } from '../../lambdas/shared/env-names';
import { deadLetterQueueName, queueList, queues, type QueueId } from '../../lambdas/shared/queues';
import { tableList, type TableId } from '../../lambdas/shared/tables';
import type { DataTables } from '../../lib/constructs/data-tables';
import { GATEWAY_ERRORS, localMessage, type GatewayError } from '../../lib/api/gateway-responses';
import { methodSettingsKey } from '../../lib/constructs/rest-api';
import { logicalIdOf, resourcesOf, synthStack } from './synth';

// The real app (real capability list and route table), synthesised once for the whole file: `template` is
// the data stack's (CarRentalStack), `functions`, `api` and `monitoring` the other stacks', their imports
// resolved to the data stack's logical ids (test/infra/synth.ts), so references read as in one stack.
const { stack, template, functions, api, monitoring, stacks, templateOf } = synthStack();

const logicalId = (c: Construct) => stack.getLogicalId(c.node.defaultChild as CfnElement);
const tableLogicalId = (id: TableId) => logicalId((stack.node.findChild('Tables') as DataTables).tables[id]);

/** Logical id of the function serving a capability (its description is the capability's). */
const functionId = (description: string): string => {
  const [id] = resourcesOf(functions, 'AWS::Lambda::Function').find(([, p]) => p.Description === description) ?? [];
  if (!id) throw new Error(`no function described "${description}"`);
  return id;
};

/** Every statement of the policies attached to a function's role. */
const statementsOf = (fnId: string): Array<{ Action: string | string[]; Resource: unknown }> => {
  const roleRef = functions.toJSON().Resources[fnId].Properties.Role['Fn::GetAtt'][0];
  return resourcesOf(functions, 'AWS::IAM::Policy')
    .filter(([, p]) => p.Roles.some((r: { Ref: string }) => r.Ref === roleRef))
    .flatMap(([, p]) => p.PolicyDocument.Statement);
};
const actionsOn = (fnId: string, resourceLogicalId: string): string[] =>
  statementsOf(fnId)
    .filter((s) => JSON.stringify(s.Resource).includes(`"${resourceLogicalId}"`))
    .flatMap((s) => [s.Action].flat());

describe('DynamoDB tables (from tableList)', () => {
  test('one table per definition, nothing else', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', tableList.length);
  });

  test.each(tableList.map((t) => [t.id, t] as const))('%s: keys, indexes, PITR, SSE, TTL, on-demand, retained', (id, def) => {
    const keys = [def.partitionKey, def.sortKey].filter(Boolean) as string[];
    const props = template.toJSON().Resources[tableLogicalId(id)];
    expect(props.DeletionPolicy).toBe('Retain');
    expect(props.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      DeletionProtectionEnabled: true,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      KeySchema: keys.map((name, i) => ({ AttributeName: name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
    });
    if (def.ttlAttribute) {
      expect(props.Properties.TimeToLiveSpecification).toEqual({ AttributeName: def.ttlAttribute, Enabled: true });
    } else {
      expect(props.Properties.TimeToLiveSpecification).toBeUndefined();
    }
    const indexes = (props.Properties.GlobalSecondaryIndexes ?? []) as Array<Record<string, any>>;
    expect(indexes.map((i) => i.IndexName)).toEqual(def.indexes.map((i) => i.name));
    for (const index of def.indexes) {
      const actual = indexes.find((i) => i.IndexName === index.name)!;
      expect(actual.KeySchema).toEqual([
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        ...(index.sortKey ? [{ AttributeName: index.sortKey, KeyType: 'RANGE' }] : []),
      ]);
      expect(actual.Projection.ProjectionType).toBe(typeof index.projection === 'string' ? index.projection : 'INCLUDE');
    }
  });
});

describe('queues (from queueList)', () => {
  const queueLogicalId = (id: QueueId, which: 'Queue' | 'Dlq') => logicalId(stack.node.findChild('Queues').node.findChild(`${id}${which}`));

  // Besides the declared queues: one failure destination per stream-triggered function.
  const streamConsumers = capabilityList().filter(([, d]) => d.trigger?.kind === 'stream').length;

  test('one queue and one dead-letter queue per definition, one failure queue per stream consumer, nothing else', () => {
    template.resourceCountIs('AWS::SQS::Queue', queueList.length * 2 + streamConsumers);
    // All in the data stack, the stream consumers' failure queues too (they hold what is to be inspected).
    for (const other of [stacks.functions, ...Object.values(stacks.apis), stacks.monitoring]) {
      templateOf(other).resourceCountIs('AWS::SQS::Queue', 0);
    }
  });

  test.each(queueList.map((q) => [q.id, q] as const))('%s: FIFO, high throughput, no content dedup, SSE, redrive to its DLQ', (id, def) => {
    const queue = template.toJSON().Resources[queueLogicalId(id, 'Queue')].Properties;
    expect(queue).toMatchObject({
      QueueName: def.name,
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: def.retentionDays * 86_400,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [queueLogicalId(id, 'Dlq'), 'Arn'] }, maxReceiveCount: def.maxReceiveCount },
    });
    if (def.fifo) {
      expect(queue).toMatchObject({
        FifoQueue: true,
        ContentBasedDeduplication: false,
        DeduplicationScope: 'messageGroup',
        FifoThroughputLimit: 'perMessageGroupId',
      });
    }
    const dlq = template.toJSON().Resources[queueLogicalId(id, 'Dlq')].Properties;
    expect(dlq).toMatchObject({ QueueName: deadLetterQueueName(def), SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400 });
    if (def.fifo) expect(dlq.FifoQueue).toBe(true);
  });

  test('the booking queue: booking-requests.fifo, 5 receives before the DLQ, visibility 6 x its consumer’s timeout', () => {
    expect(queues.booking).toMatchObject({ name: 'booking-requests.fifo', fifo: true, maxReceiveCount: 5 });
    const decide = capabilityList().find(([id]) => id === 'decideBooking')![1];
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'booking-requests.fifo',
      VisibilityTimeout: 6 * (decide.timeoutSeconds ?? 10), // 180: no consumer declares a longer timeout
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [queueLogicalId('booking', 'Dlq'), 'Arn'] }, maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'booking-requests-dlq.fifo', FifoQueue: true });
  });

  test('every queue denies non-TLS access', () => {
    const policies = resourcesOf(template, 'AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(queueList.length * 2 + streamConsumers);
    for (const [, p] of policies) {
      expect(p.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  test.each(queueList.map((q) => [q.id] as const))(
    '%s: alarms when the DLQ holds a message and when the oldest message is over 5 minutes old',
    (id) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueLogicalId(id, 'Dlq'), 'QueueName'] } }],
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^MonitoringAlarmTopic') }],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateAgeOfOldestMessage',
        Namespace: 'AWS/SQS',
        Statistic: 'Maximum',
        Threshold: 300,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueLogicalId(id, 'Queue'), 'QueueName'] } }],
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^MonitoringAlarmTopic') }],
      });
    },
  );
});

describe('notifications', () => {
  const topicLogicalId = () => logicalId(stack.node.findChild('Notifications').node.findChild('BookingEvents'));

  test('the booking-events topic: SSE with the SNS key, publishing only over TLS', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'Car rental booking events',
      KmsMasterKeyId: { 'Fn::Join': ['', Match.arrayWith([':alias/aws/sns'])] },
    });
    expect(template.toJSON().Resources[topicLogicalId()].Properties.KmsMasterKeyId).toBeDefined();
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicLogicalId() }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test.each(capabilityList())('%s: topic ARN and sns:Publish on that topic only when it uses notifications', (_id, def) => {
    const fnId = functionId(def.description);
    const variables = functions.toJSON().Resources[fnId].Properties.Environment.Variables;
    const sns = statementsOf(fnId).filter((s) => [s.Action].flat().some((a) => a.startsWith('sns:')));
    if (def.uses.notifications) {
      expect(variables[ENV.notificationsTopicArn]).toEqual({ Ref: topicLogicalId() });
      expect(sns).toEqual([expect.objectContaining({ Action: 'sns:Publish', Resource: { Ref: topicLogicalId() } })]);
      // The topic's AWS-managed key: the grant on key/* (its id is unknown at synth) is narrowed to it.
      const anyKey = statementsOf(fnId).filter(
        (s) => [s.Action].flat().some((a) => a.startsWith('kms:')) && JSON.stringify(s.Resource).includes(':key/*'),
      );
      expect(anyKey.length).toBeGreaterThan(0);
      for (const statement of anyKey) {
        expect(statement).toMatchObject({ Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/aws/sns' } } });
      }
    } else {
      expect(variables[ENV.notificationsTopicArn]).toBeUndefined();
      expect(sns).toEqual([]);
    }
  });

  test('emails: with an SES sender, notifying and emailing functions get it and ses:SendEmail; the others get neither', () => {
    const ses = synthStack({ config: { sesFromEmail: 'no-reply@example.com' } }).functions;
    const fns = resourcesOf(ses, 'AWS::Lambda::Function').filter(([, p]) => p.Runtime === 'nodejs22.x');
    const policies = resourcesOf(ses, 'AWS::IAM::Policy');
    for (const [, def] of capabilityList()) {
      const [, props] = fns.find(([, p]) => p.Description === def.description)!;
      const role = props.Role['Fn::GetAtt'][0];
      const sesStatements = policies
        .filter(([, p]) => p.Roles.some((r: { Ref: string }) => r.Ref === role))
        .flatMap(([, p]) => p.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>)
        .filter((s) => [s.Action].flat().some((a) => a.startsWith('ses:')));
      if (def.uses.notifications || ('email' in def.uses && def.uses.email)) {
        expect(props.Environment.Variables[ENV.emailSender]).toBe('no-reply@example.com');
        expect(sesStatements).toEqual([expect.objectContaining({ Action: 'ses:SendEmail' })]);
        expect(JSON.stringify(sesStatements[0].Resource)).toContain(':identity/*');
      } else {
        expect(props.Environment.Variables[ENV.emailSender]).toBeUndefined();
        expect(sesStatements).toEqual([]);
      }
    }
  });
});

describe('booking functions', () => {
  const def = (id: string) => capabilityList().find(([c]) => c === id)![1];
  const fnOf = (id: string) => functionId(def(id).description);
  const queueId = () => logicalId(stack.node.findChild('Queues').node.findChild('bookingQueue'));
  const sqsActions = (id: string) => actionsOn(fnOf(id), queueId()).filter((a) => a.startsWith('sqs:'));
  const eventSources = (id: string) =>
    resourcesOf(functions, 'AWS::Lambda::EventSourceMapping').filter(([, p]) => p.FunctionName.Ref === fnOf(id));

  test('requestBooking: may SendMessage to the booking queue and nothing more; has its URL; no event source', () => {
    expect(sqsActions('requestBooking')).toContain('sqs:SendMessage');
    for (const consume of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:PurgeQueue']) {
      expect(sqsActions('requestBooking')).not.toContain(consume);
    }
    // The only SQS statement is on the booking queue (not its DLQ, not *).
    const sqsStatements = statementsOf(fnOf('requestBooking')).filter((s) => [s.Action].flat().some((a) => a.startsWith('sqs:')));
    expect(sqsStatements.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [queueId(), 'Arn'] }]);
    expect(functions.toJSON().Resources[fnOf('requestBooking')].Properties.Environment.Variables[queues.booking.envVar]).toEqual({
      Ref: queueId(),
    });
    expect(eventSources('requestBooking')).toEqual([]);
  });

  test('decideBooking: consumes the booking queue (SQS event source, batch 10, partial batch failures), does not send', () => {
    const [[, mapping], ...more] = eventSources('decideBooking');
    expect(more).toEqual([]);
    expect(mapping).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [queueId(), 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(def('decideBooking').trigger).toEqual({ kind: 'queue', queue: 'booking', batchSize: 10 });
    expect(sqsActions('decideBooking')).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']));
    expect(sqsActions('decideBooking')).not.toContain('sqs:SendMessage');
  });

  test('only queue- and stream-triggered functions have an event source, one each, on the queue or stream their trigger names', () => {
    const mappings = resourcesOf(functions, 'AWS::Lambda::EventSourceMapping');
    const consumers = capabilityList().filter(([, d]) => d.trigger?.kind === 'queue');
    const streamed = capabilityList().filter(([, d]) => d.trigger?.kind === 'stream');
    expect(mappings).toHaveLength(consumers.length + streamed.length);
    for (const [id, d] of streamed) {
      const table = d.trigger?.kind === 'stream' ? d.trigger.table : 'feedback';
      const source = tableLogicalId(table);
      const [[, mapping]] = eventSources(id);
      expect(mapping).toMatchObject({
        EventSourceArn: { 'Fn::GetAtt': [source, 'StreamArn'] },
        StartingPosition: 'TRIM_HORIZON',
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRetryAttempts: STREAM_RETRY_ATTEMPTS,
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringContaining(`${id}CapabilityStreamFailures`), 'Arn'] } },
        },
      });
    }
    for (const [id, d] of consumers) {
      const queueOf = d.trigger?.kind === 'queue' ? d.trigger.queue : undefined;
      const target = logicalId(stack.node.findChild('Queues').node.findChild(`${queueOf}Queue`));
      expect(eventSources(id).map(([, p]) => p.EventSourceArn)).toEqual([{ 'Fn::GetAtt': [target, 'Arn'] }]);
    }
  });

  test('sweepReservations: an EventBridge rule every minute, and may send to the booking queue', () => {
    functions.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnOf('sweepReservations'), 'Arn'] } })],
    });
    functions.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [fnOf('sweepReservations'), 'Arn'] },
    });
    expect(sqsActions('sweepReservations')).toContain('sqs:SendMessage');
    expect(sqsActions('sweepReservations')).not.toContain('sqs:ReceiveMessage');
    expect(eventSources('sweepReservations')).toEqual([]);
  });

  test('in-VPC functions reach SQS, SNS and SES through interface endpoints', () => {
    for (const service of ['.sqs', '.sns', '.email']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        ServiceName: { 'Fn::Join': ['', Match.arrayWith([service])] },
      });
    }
  });

  test('the functions that change car blocks are the ones that read and write both tables', () => {
    for (const id of ['cancelReservation', 'manageCarBlocks', 'decideBooking', 'sweepReservations']) {
      for (const table of ['cars', 'reservations'] as const) {
        expect(actionsOn(fnOf(id), tableLogicalId(table))).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:GetItem']));
      }
    }
    // requestBooking prices from the car but never changes it.
    expect(actionsOn(fnOf('requestBooking'), tableLogicalId('cars'))).not.toContain('dynamodb:UpdateItem');
  });
});

describe('network', () => {
  test('isolated subnets only, no NAT, flow logs, gateway endpoints for DynamoDB and S3', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    for (const service of ['dynamodb', 's3']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
        ServiceName: { 'Fn::Join': ['', Match.arrayWith([`.${service}`])] },
      });
    }
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
      ServiceName: { 'Fn::Join': ['', Match.arrayWith(['.secretsmanager'])] },
    });
  });
});

describe('Redis', () => {
  test('replication group: redis 7, two nodes, multi-AZ failover, TLS, at-rest encryption, AUTH from Secrets Manager', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'redis',
      EngineVersion: Match.stringLikeRegexp('^7\\.'),
      CacheNodeType: 'cache.t4g.small',
      NumCacheClusters: 2,
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      Port: 6379,
      AuthToken: { 'Fn::Join': ['', Match.arrayWith(['{{resolve:secretsmanager:', ':SecretString:::}}'])] },
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ ExcludePunctuation: true }),
    });
  });

  test('only the functions security group reaches 6379', () => {
    const ingress = resourcesOf(template, 'AWS::EC2::SecurityGroupIngress').filter(([, p]) => p.FromPort === 6379);
    expect(ingress).toHaveLength(1);
    expect(ingress[0][1].SourceSecurityGroupId['Fn::GetAtt'][0]).toMatch(/^NetworkFunctionsSg/);
    expect(ingress[0][1].ToPort).toBe(6379);
  });
});

describe('Aurora PostgreSQL', () => {
  test('serverless v2 cluster: encrypted, IAM auth, deletion protection, backups, log export', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      EngineVersion: Match.stringLikeRegexp('^16\\.'),
      StorageEncrypted: true,
      EnableIAMDatabaseAuthentication: true,
      DeletionProtection: true,
      BackupRetentionPeriod: 14,
      EnableCloudwatchLogsExports: ['postgresql'],
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: Match.anyValue() },
      DatabaseName: 'carrental',
    });
    const instances = resourcesOf(template, 'AWS::RDS::DBInstance');
    expect(instances).toHaveLength(2); // writer + reader
    for (const [, p] of instances) expect(p.DBInstanceClass).toBe('db.serverless');
  });

  test('RDS Proxy requires TLS, reached only from the functions security group; the secret rotates', () => {
    template.hasResourceProperties('AWS::RDS::DBProxy', { EngineFamily: 'POSTGRESQL', RequireTLS: true });
    const ingress = resourcesOf(template, 'AWS::EC2::SecurityGroupIngress').filter(([, p]) => p.FromPort === 5432);
    expect(ingress).toHaveLength(1);
    expect(ingress[0][1].SourceSecurityGroupId['Fn::GetAtt'][0]).toMatch(/^NetworkFunctionsSg/);
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
  });
});

describe('car media bucket', () => {
  const bucket = () =>
    resourcesOf(template, 'AWS::S3::Bucket').find(([, p]) => p.CorsConfiguration) ??
    (() => {
      throw new Error('no media bucket');
    })();

  test('private, encrypted, versioned, access-logged, CORS for presigned PUT/GET/HEAD', () => {
    const [, props] = bucket();
    expect(props).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.stringMatching(/^MediaAccessLogs/) } },
    });
    expect(props.CorsConfiguration.CorsRules).toEqual([
      expect.objectContaining({ AllowedMethods: ['PUT', 'GET', 'HEAD'], AllowedOrigins: ['https://app.example.com'] }),
    ]);
    expect(props.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' }),
    );
  });

  test('bucket policy denies requests without TLS; objects are not auto-deleted in prod', () => {
    const [bucketId] = bucket();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  // Issue 10: photo functions could delete object versions for good, and readers had write-ish rights.
  test('each function has exactly the one S3 action it uses, on photo keys only; nobody may delete versions', () => {
    const [bucketId] = bucket();
    const s3Actions = Object.fromEntries(
      capabilityList().map(([id, def]) => [
        id,
        actionsOn(functionId(def.description), bucketId)
          .filter((a) => a.startsWith('s3:'))
          .sort(),
      ]),
    );
    // Search answers photo URLs on the CDN: no S3 right at all. getCar's GetObject is its HEAD (is an upload there?).
    expect(Object.fromEntries(Object.entries(s3Actions).filter(([, actions]) => actions.length))).toEqual({
      getCar: ['s3:GetObject'],
      addCarPhoto: ['s3:PutObject'],
      deleteCarPhoto: ['s3:DeleteObject'],
      addRentalPhoto: ['s3:PutObject'],
    });
    // Every policy of every stack of the app: car photo keys, and the rental photo upload on rental keys only.
    const all = stacks.all.map(templateOf);
    const statements = all.flatMap((t) => resourcesOf(t, 'AWS::IAM::Policy')).flatMap(([, p]) => p.PolicyDocument.Statement);
    for (const statement of statements.filter((st) => JSON.stringify(st.Resource).includes(`"${bucketId}"`))) {
      expect(JSON.stringify(statement.Resource)).toMatch(statement.Action === 's3:PutObject' ? /\/(cars|rentals)\/\*/ : /\/cars\/\*/);
    }
    const rentalKeys = statements.filter((st) => JSON.stringify(st.Resource).includes('/rentals/*'));
    expect(rentalKeys.map((st) => st.Action)).toEqual(['s3:PutObject']);
    for (const t of all) expect(JSON.stringify(t.toJSON())).not.toMatch(/s3:DeleteObjectVersion|s3:DeleteObject\*|s3:\*Object\*/);
  });

  // Issue 23: a presigned GET per photo per answer, which no cache could share.
  test('photos are read through CloudFront with origin access control; the bucket stays private', () => {
    const [bucketId] = bucket();
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    const [cdnId, cdn] = resourcesOf(template, 'AWS::CloudFront::Distribution')[0];
    const oacId = logicalIdOf(template, 'AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      }),
    });
    expect(cdn.DistributionConfig).toMatchObject({
      Enabled: true,
      HttpVersion: 'http2and3',
      Origins: [
        {
          DomainName: { 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] },
          OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
          S3OriginConfig: { OriginAccessIdentity: '' },
        },
      ],
      DefaultCacheBehavior: { ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD'] },
      Logging: { Bucket: { 'Fn::GetAtt': [expect.stringMatching(/^MediaCdnLogs/), 'RegionalDomainName'] } },
    });
    // Only this distribution may read, and only objects (no list, no write); public access stays blocked.
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
    expect(JSON.stringify(template.findResources('AWS::S3::BucketPolicy'))).toContain(cdnId);
    // ...but not the rental photos (the hand-overs' evidence), which are not public.
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/rentals/*']] },
          }),
        ]),
      },
    });
    expect(bucket()[1].PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  test('immutable photo keys: cached a year at the edge and in browsers', () => {
    const year = 365 * 86_400;
    template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        DefaultTTL: year,
        MaxTTL: year,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          QueryStringsConfig: { QueryStringBehavior: 'none' },
          CookiesConfig: { CookieBehavior: 'none' },
        }),
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        CustomHeadersConfig: { Items: [{ Header: 'Cache-Control', Value: `public, max-age=${year}, immutable`, Override: true }] },
      }),
    });
  });

  test('functions that show photos get the CDN URL, and only they', () => {
    const cdnId = resourcesOf(template, 'AWS::CloudFront::Distribution')[0][0];
    const cdnUrl = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [cdnId, 'DomainName'] }]] };
    const showing = capabilityList().filter(([, def]) => def.uses.photoUrls);
    expect(showing.map(([id]) => id).sort()).toEqual(['getCar', 'searchCars', 'searchCarsAtTimes']);
    for (const [, def] of capabilityList()) {
      const variables = functions.toJSON().Resources[functionId(def.description)].Properties.Environment.Variables;
      expect(variables[ENV.carPhotosUrl]).toEqual(def.uses.photoUrls ? cdnUrl : undefined);
    }
    template.hasOutput('CarPhotosUrl', { Value: cdnUrl });
  });

  test('no configured origin: no CORS rule at all (never *); a wildcard in context is refused', () => {
    const { template: none } = synthStack({ config: { corsOrigins: [] } });
    const media = resourcesOf(none, 'AWS::S3::Bucket').filter(([, p]) => p.VersioningConfiguration);
    expect(media).toHaveLength(1);
    expect(media[0][1].CorsConfiguration).toBeUndefined();
    const app = new App({ context: { corsOrigins: '*' } });
    expect(() => configFromContext(app)).toThrow(/wildcards are not accepted/);
    expect(configFromContext(new App()).corsOrigins).toEqual([]);
    expect(configFromContext(new App({ context: { corsOrigins: 'https://a.example, https://b.example' } })).corsOrigins).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
  });
});

describe('Cognito', () => {
  test('user pool: email sign-in, strong passwords, optional TOTP-only MFA, email recovery', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      AutoVerifiedAttributes: ['email'],
      // No self sign-up: registration is the API's (it claims the email first).
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 10,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      DeletionProtection: 'ACTIVE',
    });
  });

  test('Cognito sends email itself unless an SES sender is configured', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', { EmailConfiguration: Match.absent() });
    const ses = synthStack({ config: { sesFromEmail: 'no-reply@example.com' } }).template;
    ses.hasResourceProperties('AWS::Cognito::UserPool', {
      EmailConfiguration: Match.objectLike({ EmailSendingAccount: 'DEVELOPER', From: 'no-reply@example.com' }),
    });
  });

  test("custom:mfa_enabled and custom:agent_locations exist for the acts-as check and agents' locations; users can write neither them nor their email (attack: email switched to an admin's)", () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'mfa_enabled', AttributeDataType: 'String', Mutable: true }),
        Match.objectLike({ Name: 'agent_locations', AttributeDataType: 'String', Mutable: true }),
      ]),
    });
    const client = Object.values(template.findResources('AWS::Cognito::UserPoolClient'))[0] as {
      Properties: { WriteAttributes: string[]; ReadAttributes?: string[] };
    };
    expect([...client.Properties.WriteAttributes].sort()).toEqual(['address', 'name', 'phone_number']);
    expect(client.Properties.ReadAttributes).toBeUndefined(); // all attributes readable: the claim reaches ID tokens
  });

  test('admin, counter agent and customer groups', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'admin', Precedence: 0 });
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'agent', Precedence: 5 });
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'customer', Precedence: 10 });
    template.resourceCountIs('AWS::Cognito::UserPoolGroup', 3);
  });

  test('public app client: password + refresh auth, no secret, no OAuth, 1 h / 30 d tokens, revocation', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: false,
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      IdTokenValidity: 60,
      AccessTokenValidity: 60,
      RefreshTokenValidity: 30 * 24 * 60,
      TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'minutes' },
    });
  });
});

describe('capability functions', () => {
  const capabilities = capabilityList();

  test('exactly one function per capability (plus CDK-internal helpers)', () => {
    for (const [, def] of capabilities) functionId(def.description);
    const own = resourcesOf(functions, 'AWS::Lambda::Function').filter(([, p]) => p.Runtime === 'nodejs22.x');
    expect(own).toHaveLength(capabilities.length);
    // Plus the deploy-time migrations function, with the database in the data stack (test/infra/migrations.test.ts).
    expect(resourcesOf(template, 'AWS::Lambda::Function').filter(([, p]) => p.Runtime === 'nodejs22.x')).toHaveLength(1);
  });

  test.each(capabilities)('%s: Node.js 22 on arm64, traced, own log group, base environment', (_id, def) => {
    const fn = functions.toJSON().Resources[functionId(def.description)].Properties;
    expect(fn).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: def.memoryMb ?? 512,
      Timeout: def.timeoutSeconds ?? 10,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
    });
    expect(fn.Environment.Variables).toMatchObject({
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'car-rental',
      [ENV.stage]: 'prod',
      [ENV.appVersion]: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    functions.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    functions.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Threshold: 1,
      Period: 300,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(def.description) } }],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^MonitoringAlarmTopic') }],
    });
  });

  test("one alarm on Lambda's region-wide Throttles serves every function", () => {
    const throttles = resourcesOf(template, 'AWS::CloudWatch::Alarm').filter(
      ([, p]) => p.Namespace === 'AWS/Lambda' && p.MetricName === 'Throttles',
    );
    expect(throttles).toHaveLength(1);
    expect(throttles[0][1]).toMatchObject({
      Threshold: 1,
      Period: 300,
      AlarmActions: [{ Ref: expect.stringMatching(/^MonitoringAlarmTopic/) }],
    });
    expect(throttles[0][1].Dimensions).toBeUndefined();
  });

  test.each(capabilities)('%s: the stack sets every variable its code requires at cold start', (_id, def) => {
    const variables = functions.toJSON().Resources[functionId(def.description)].Properties.Environment.Variables;
    expect(missingEnvironment(def.uses, variables)).toEqual([]);
  });

  test('health: reads the users table, cannot write it; runs in the VPC with Redis and DB settings', () => {
    const fnId = functionId(capabilityList().find(([id]) => id === 'health')![1].description);
    const actions = actionsOn(fnId, tableLogicalId('users'));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) {
      expect(actions).not.toContain(write);
    }
    for (const other of ['cars', 'reservations', 'feedback'] as const) {
      expect(actionsOn(fnId, tableLogicalId(other))).toEqual([]);
    }
    const fn = functions.toJSON().Resources[fnId].Properties;
    expect(fn.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^NetworkFunctionsSg/), 'GroupId'] }]);
    expect(Object.keys(fn.Environment.Variables)).toEqual(
      expect.arrayContaining([
        'USERS_TABLE',
        ENV.redisHost,
        ENV.redisPort,
        ENV.redisAuthSecretArn,
        ENV.dbProxyEndpoint,
        ENV.dbSecretArn,
        ENV.dbName,
      ]),
    );
    const secretReads = statementsOf(fnId).filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    expect(JSON.stringify(secretReads)).toMatch(/RedisAuthToken/);
    expect(JSON.stringify(secretReads)).toMatch(/PaymentsClusterSecret/);
  });

  test('openapi: no table, queue, bucket or secret access, outside the VPC', () => {
    const fnId = functionId(capabilityList().find(([id]) => id === 'openapi')![1].description);
    const actions = statementsOf(fnId).flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => !/^(logs|xray):/.test(a))).toEqual([]);
    const fn = functions.toJSON().Resources[fnId].Properties;
    expect(fn.VpcConfig).toBeUndefined();
    expect(Object.keys(fn.Environment.Variables).filter((k) => k.endsWith('_TABLE'))).toEqual([]);
  });

  test('logging is granted on each function’s own log group only', () => {
    for (const [, def] of capabilities) {
      const logs = statementsOf(functionId(def.description)).filter((s) => [s.Action].flat().includes('logs:PutLogEvents'));
      expect(logs).toHaveLength(1);
      expect(logs[0].Resource).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    }
  });
});

describe('REST API (from the route table)', () => {
  const methods = resourcesOf(api, 'AWS::ApiGateway::Method');

  test('each version its own API stack, with exactly its routes (v2 has its own search and booking)', () => {
    expect(Object.keys(stacks.apis)).toEqual([...API_VERSIONS]);
    for (const version of API_VERSIONS) {
      const operations = resourcesOf(templateOf(stacks.apis[version]), 'AWS::ApiGateway::Method').map(([, m]) => m.OperationName as string);
      expect(operations.sort()).toEqual(
        routesOf(version)
          .map((r) => r.operationId)
          .sort(),
      );
    }
  });

  test('one method per route, with its HTTP method, authorization and integration', () => {
    expect(methods).toHaveLength(routeList.length);
    for (const route of routeList) {
      const [, m] = methods.find(([, p]) => p.OperationName === route.operationId)!;
      const capability = capabilityList().find(([id]) => id === route.capability)![1];
      expect(m).toMatchObject({
        HttpMethod: route.method,
        AuthorizationType: isOpenRoute(route.access) ? 'NONE' : 'COGNITO_USER_POOLS',
        Integration: { Type: 'AWS_PROXY' },
      });
      expect(JSON.stringify(m.Integration.Uri)).toContain(functionId(capability.description));
    }
  });

  test('health declares its optional query parameter', () => {
    const [, m] = methods.find(([, p]) => p.OperationName === 'getHealth')!;
    expect(m.RequestParameters).toEqual({ 'method.request.querystring.deep': false });
  });

  test('no request validator: the function answers invalid input, with details.fields, in AWS as locally', () => {
    api.resourceCountIs('AWS::ApiGateway::RequestValidator', 0);
    api.resourceCountIs('AWS::ApiGateway::Model', 0);
  });

  test(`stage ${API_STAGE}: tracing, JSON access logs, INFO logging, no data trace, stage and per-route throttling`, () => {
    const [[, stage]] = resourcesOf(api, 'AWS::ApiGateway::Stage');
    expect(stage).toMatchObject({
      StageName: API_STAGE,
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: { 'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogs/), 'Arn'] } },
    });
    expect(JSON.parse(stage.AccessLogSetting.Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
    expect(stage.MethodSettings).toContainEqual({
      HttpMethod: '*',
      ResourcePath: '/*',
      LoggingLevel: 'INFO',
      DataTraceEnabled: false,
      MetricsEnabled: true,
      ThrottlingRateLimit: STAGE_THROTTLE.rateLimit,
      ThrottlingBurstLimit: STAGE_THROTTLE.burstLimit,
    });
    for (const route of routeList) {
      expect(stage.MethodSettings).toContainEqual(
        expect.objectContaining({
          HttpMethod: route.method,
          ResourcePath: `/${route.path.replace(/\//g, '~1')}`,
          LoggingLevel: 'INFO',
          MetricsEnabled: true,
          ThrottlingRateLimit: route.throttle.rateLimit,
          ThrottlingBurstLimit: route.throttle.burstLimit,
        }),
      );
    }
    expect(methodSettingsKey({ path: '/cars/{carId}', method: 'GET' })).toBe('/cars/{carId}/GET');
  });

  test('gateway responses are the table the local runtime answers from: same status, code, message, headers', () => {
    const responses = resourcesOf(api, 'AWS::ApiGateway::GatewayResponse');
    const byType = Object.fromEntries(responses.map(([, p]) => [p.ResponseType, p]));
    const customised = (Object.values(GATEWAY_ERRORS) as GatewayError[]).filter((e) => e.aws);
    expect(Object.keys(byType).sort()).toEqual(customised.map((e) => e.aws!.type).sort());
    for (const error of customised) {
      const r = byType[error.aws!.type];
      expect(r.StatusCode).toBe(error.gatewayPicksStatus ? undefined : String(error.status));
      expect(r.ResponseParameters['gatewayresponse.header.Content-Type']).toBe("'application/json'");
      for (const [name, value] of Object.entries(error.headers ?? {})) {
        expect(r.ResponseParameters[`gatewayresponse.header.${name}`]).toBe(`'${value}'`);
      }
      // What API Gateway sends once it substitutes the variables (messageString arrives quoted) is what the
      // local runtime sends for the same case.
      const rendered = (r.ResponseTemplates['application/json'] as string)
        .replace('$context.error.messageString', JSON.stringify('Forbidden'))
        .replace('$context.requestId', 'c0ffee00-0000-4000-8000-000000000000');
      expect(JSON.parse(rendered)).toEqual({
        error: { code: error.code, message: localMessage(error, 'Forbidden', 'c0ffee00-0000-4000-8000-000000000000') },
      });
    }
    // What AWS does by default, and the table changes: an unknown method or path is a 404, not 403.
    expect(byType.MISSING_AUTHENTICATION_TOKEN.StatusCode).toBe('404');
    expect(byType.DEFAULT_5XX.StatusCode).toBeUndefined(); // 502 for a function error, 504 for a timeout
    expect(byType.THROTTLED.ResponseParameters['gatewayresponse.header.Retry-After']).toBe("'1'");
  });

  test('CloudWatch role for execution logs: set once for the account, in the data stack, not per API version', () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    api.resourceCountIs('AWS::ApiGateway::Account', 0);
    const [[, account]] = resourcesOf(template, 'AWS::ApiGateway::Account');
    const role = template.toJSON().Resources[account.CloudWatchRoleArn['Fn::GetAtt'][0]];
    expect(role.Properties.ManagedPolicyArns).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs']] },
    ]);
    // A stage with logging needs the role set first: every API stack deploys after the data stack.
    for (const apiStack of Object.values(stacks.apis)) expect(apiStack.dependencies).toContain(stack);
  });
});

describe('outputs', () => {
  test('everything a client or operator needs', () => {
    // On the data stack, under their one-stack names (operator tools read them there); ApiUrl on each API stack.
    const outputs = { ...template.toJSON().Outputs, ...api.toJSON().Outputs } as Record<string, unknown>;
    expect(Object.keys(api.toJSON().Outputs).filter((k) => !k.startsWith('ExportsOutput'))).toEqual(['ApiUrl']);
    const tableOutputs = tableList.map((t) => `${t.id.charAt(0).toUpperCase()}${t.id.slice(1)}TableName`);
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'ApiUrl',
        'UserPoolId',
        'UserPoolClientId',
        ...tableOutputs,
        ...queueList.flatMap((q) => [
          `${q.id.charAt(0).toUpperCase()}${q.id.slice(1)}QueueUrl`,
          `${q.id.charAt(0).toUpperCase()}${q.id.slice(1)}DlqUrl`,
        ]),
        'NotificationsTopicArn',
        'AlarmTopicArn',
        'CarMediaBucket',
        'CarPhotosUrl',
        'DbProxyEndpoint',
        'RedisEndpoint',
      ]),
    );
    expect(JSON.stringify(outputs.ApiUrl)).toContain('ApiDeploymentStagev1');
  });
});

describe('monitoring of the stage', () => {
  const alarms = () => resourcesOf(monitoring, 'AWS::CloudWatch::Alarm').map(([, p]) => p);
  const stageAlarm = (metricName: string) => alarms().find((p) => p.Namespace === 'AWS/ApiGateway' && p.MetricName === metricName);

  test('5xx rate >= 1%, 4xx rate >= 25%, p99 latency >= 3 s for two periods, all to the alarm topic', () => {
    expect(stageAlarm('5XXError')).toMatchObject({ Statistic: 'Average', Threshold: 0.01, Period: 300, EvaluationPeriods: 1 });
    expect(stageAlarm('4XXError')).toMatchObject({ Statistic: 'Average', Threshold: 0.25, Period: 300 });
    expect(stageAlarm('Latency')).toMatchObject({ ExtendedStatistic: 'p99', Threshold: 3000, EvaluationPeriods: 2 });
    for (const name of ['5XXError', '4XXError', 'Latency']) {
      expect(stageAlarm(name)!.Dimensions).toEqual(
        expect.arrayContaining([expect.objectContaining({ Name: 'Stage', Value: expect.anything() })]),
      );
      expect(stageAlarm(name)!.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^MonitoringAlarmTopic/) }]);
    }
  });

  test('one alarm sums the read and write throttle events of every table', () => {
    const throttles = alarms().find((p) => (p.Metrics ?? []).some((m: any) => m.MetricStat?.Metric?.MetricName === 'WriteThrottleEvents'));
    expect(throttles).toBeDefined();
    const metricNames = throttles!.Metrics.filter((m: any) => m.MetricStat)
      .map((m: any) => m.MetricStat.Metric.MetricName)
      .sort();
    expect(metricNames).toEqual([
      ...Array(tableList.length).fill('ReadThrottleEvents'),
      ...Array(tableList.length).fill('WriteThrottleEvents'),
    ]);
  });

  test('a dashboard of the API, the functions, the tables and the queues: a widget for what each alarm watches', () => {
    monitoring.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const [[, dashboard]] = resourcesOf(monitoring, 'AWS::CloudWatch::Dashboard');
    expect(dashboard.DashboardName).toBe('car-rental-prod');
    const body = JSON.stringify(dashboard.DashboardBody);
    for (const title of [
      'API v1 4xx / 5xx rate',
      'API v1 latency',
      'Lambda errors',
      'Lambda throttles (region)',
      'DynamoDB throttle events',
      'Dead-letter queues (messages)',
      'Queues: age of the oldest message (s)',
    ]) {
      expect(body).toContain(title);
    }
    for (const def of queueList) expect(body).toContain(`\\"QueueName\\",\\"${deadLetterQueueName(def)}\\"`);
  });
});

describe('cursor-sealing key', () => {
  test('a generated secret, readable by exactly the functions that serve paginated lists', () => {
    const [[secretId]] = resourcesOf(template, 'AWS::SecretsManager::Secret').filter(([, p]) => /list cursors/.test(p.Description ?? ''));
    const readers = capabilityList()
      .filter(([, def]) => actionsOn(functionId(def.description), secretId).includes('secretsmanager:GetSecretValue'))
      .map(([id]) => id)
      .sort();
    expect(readers).toEqual(
      capabilityList()
        .filter(([, def]) => def.uses.cursors)
        .map(([id]) => id)
        .sort(),
    );
    expect(readers).toEqual([
      'listCarFeedback',
      'listCarReservations',
      'listUserFeedback',
      'listUserReservations',
      'searchCars',
      'searchCarsAtTimes',
    ]);
  });
});
