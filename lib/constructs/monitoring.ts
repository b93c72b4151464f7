import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { queueList } from '../../lambdas/shared/queues';
import { alarmName, dashboardName, stagedQueueNames } from '../stage';

export interface MonitoringProps {
  /** Names every alarm (`car-rental-<stage>-<what>`, lib/stage.ts), so stages in one account tell theirs apart. */
  stage: string;
  alarmEmail?: string;
}

export interface AlarmProps {
  /** What it watches, in its name after `car-rental-<stage>-` (the runbooks in docs/operations.md go by it). */
  name: string;
  metric: cloudwatch.IMetric;
  description: string;
  /** Reached or passed: alarm (default 1). */
  threshold?: number;
}

/**
 * The alarm topic and a helper so every alarm of the app notifies the same place. It lives in the data
 * stack, with the queues' alarms: its email subscriptions survive redeploys, and the other stacks' alarms
 * refer to it.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly stage: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.stage = props.stage;
    // A customer-managed key: CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key.
    const key = new kms.Key(this, 'TopicKey', { enableKeyRotation: true, description: 'Encrypts the alarm topic' });
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new sns.Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    // Throttling is a matter of the region's shared concurrency pool, so one alarm on Lambda's
    // region-wide Throttles metric serves every function (the per-function metric says which); one per
    // function cost 40-odd of CloudFormation's 500 resources for no other signal. The pool is shared by
    // every stage in the account and region, so each stage's alarm fires for any stage's throttles.
    this.alarm(this, 'LambdaThrottlesAlarm', {
      name: 'lambda-throttles',
      metric: new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Throttles', statistic: 'Sum', period: Monitoring.PERIOD }),
      description: 'A Lambda function in this region (of any stage) was throttled (see the per-function Throttles metric for which).',
    });
  }

  /** Alarms when `metric` (summed over 5 minutes unless the metric says otherwise) reaches `threshold`. */
  alarm(scope: Construct, id: string, { name, metric, description, threshold = 1 }: AlarmProps): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(scope, id, {
      alarmName: alarmName(this.stage, name),
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    return alarm;
  }

  static readonly PERIOD = Duration.minutes(5);
}

export interface ServiceHealthProps {
  monitoring: Monitoring;
  /** The stage of each API version, by version (its name). */
  stages: Record<string, apigateway.Stage>;
  functions: Record<string, lambda.IFunction>;
  tables: Record<string, dynamodb.ITable>;
}

/**
 * Each stage's health: 5xx rate at least 1%, 4xx rate at least 25% (a spike of refusals: a broken client,
 * an attack, throttling), p99 latency at least 3 s for 10 minutes; one alarm over every table's throttle
 * events; and a dashboard of the APIs, the functions, the tables and the queues (one widget for what each
 * alarm watches: the runbooks in docs/operations.md point at them). It reads every other stack, so it
 * sits in a stack of its own that deploys last.
 */
export class ServiceHealth extends Construct {
  constructor(scope: Construct, id: string, props: ServiceHealthProps) {
    super(scope, id);
    const { monitoring } = props;
    const period = Monitoring.PERIOD;

    const apiRows = Object.entries(props.stages).map(([version, stage]) => {
      // By the API's and the stage's literal names (the stage is named by its version), not the Stage's Ref:
      // no export from an API stack, so a version's API can be replaced or dropped without untangling one.
      const metric = (metricName: string, options: cloudwatch.MetricOptions) =>
        new cloudwatch.Metric({
          namespace: 'AWS/ApiGateway',
          metricName,
          dimensionsMap: { ApiName: stage.restApi.restApiName, Stage: version },
          period,
          ...options,
        });
      const serverErrors = metric('5XXError', { statistic: 'Average' });
      const clientErrors = metric('4XXError', { statistic: 'Average' });
      const p99 = metric('Latency', { statistic: 'p99' });
      monitoring.alarm(this, `${version}Api5xxRateAlarm`, {
        name: `api-${version}-5xx-rate`,
        metric: serverErrors,
        description: `At least 1% of ${version} API requests answered 5xx in 5 minutes.`,
        threshold: 0.01,
      });
      monitoring.alarm(this, `${version}Api4xxRateAlarm`, {
        name: `api-${version}-4xx-rate`,
        metric: clientErrors,
        description: `At least 25% of ${version} API requests answered 4xx in 5 minutes (throttling, a broken client or an attack).`,
        threshold: 0.25,
      });
      const latency = monitoring.alarm(this, `${version}ApiLatencyP99Alarm`, {
        name: `api-${version}-p99-latency`,
        metric: p99,
        description: `${version} API p99 latency was 3 s or more for 10 minutes.`,
        threshold: 3_000,
      });
      (latency.node.defaultChild as cloudwatch.CfnAlarm).evaluationPeriods = 2;
      return [
        new cloudwatch.GraphWidget({ title: `API ${version} requests`, left: [metric('Count', { statistic: 'Sum' })], width: 8 }),
        new cloudwatch.GraphWidget({ title: `API ${version} 4xx / 5xx rate`, left: [clientErrors, serverErrors], width: 8 }),
        new cloudwatch.GraphWidget({
          title: `API ${version} latency`,
          left: [metric('Latency', { statistic: 'p50' }), p99, metric('IntegrationLatency', { statistic: 'p99' })],
          width: 8,
        }),
      ];
    });

    // Read and write throttle events of every table in one alarm (a math expression takes up to 10 metrics).
    const throttleMetrics = Object.fromEntries(
      Object.entries(props.tables).flatMap(([id, table], i) =>
        (['Read', 'Write'] as const).map((kind) => [
          `${kind === 'Read' ? 'r' : 'w'}${i}`,
          new cloudwatch.Metric({
            namespace: 'AWS/DynamoDB',
            metricName: `${kind}ThrottleEvents`,
            dimensionsMap: { TableName: table.tableName },
            statistic: 'Sum',
            period,
            label: `${id} ${kind.toLowerCase()}`,
          }),
        ]),
      ),
    );
    const tableThrottles = new cloudwatch.MathExpression({
      expression: Object.keys(throttleMetrics).join(' + '),
      usingMetrics: throttleMetrics,
      period,
      label: 'DynamoDB throttle events',
    });
    monitoring.alarm(this, 'DynamoThrottlesAlarm', {
      name: 'dynamodb-throttles',
      metric: tableThrottles,
      description: 'A DynamoDB table throttled reads or writes in 5 minutes.',
    });

    // Each function by its ARN, which the API stacks import too: one export per function from the functions
    // stack, not two (ARN and name), against CloudFormation's 200 outputs a stack.
    const fns = Object.entries(props.functions).map(
      ([id, fn]) =>
        [
          id,
          lambda.Function.fromFunctionAttributes(this, `${id}Function`, { functionArn: fn.functionArn, sameEnvironment: true }),
        ] as const,
    );
    // The queues by their literal names, as the stages above: a widget needs no export from the data stack.
    const queueMetric = (queueName: string, metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/SQS',
        metricName,
        dimensionsMap: { QueueName: queueName },
        statistic: 'Maximum',
        period,
        label: queueName,
      });
    const queueNames = queueList.map((def) => stagedQueueNames(monitoring.stage, def));
    new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: dashboardName(monitoring.stage), // the runbooks name it (docs/operations.md)
      defaultInterval: Duration.hours(3),
      widgets: [
        ...apiRows,
        [
          new cloudwatch.GraphWidget({
            title: 'Lambda errors',
            left: fns.map(([id, fn]) => fn.metricErrors({ period, label: id })),
            width: 12,
            legendPosition: cloudwatch.LegendPosition.RIGHT,
          }),
          new cloudwatch.GraphWidget({
            title: 'Lambda p99 duration',
            left: fns.map(([id, fn]) => fn.metricDuration({ period, statistic: 'p99', label: id })),
            width: 12,
            legendPosition: cloudwatch.LegendPosition.RIGHT,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Lambda throttles (region)',
            left: [new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Throttles', statistic: 'Sum', period })],
            width: 12,
          }),
          new cloudwatch.GraphWidget({ title: 'DynamoDB throttle events', left: [tableThrottles], width: 12 }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Dead-letter queues (messages)',
            left: queueNames.map((q) => queueMetric(q.deadLetterQueue, 'ApproximateNumberOfMessagesVisible')),
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Queues: age of the oldest message (s)',
            left: queueNames.map((q) => queueMetric(q.queue, 'ApproximateAgeOfOldestMessage')),
            width: 12,
          }),
        ],
      ],
    });
  }
}
