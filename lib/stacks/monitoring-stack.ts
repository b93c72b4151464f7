import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { ServiceHealth, type Monitoring } from '../constructs/monitoring';

export interface MonitoringStackProps extends StackProps {
  monitoring: Monitoring;
  stages: Record<string, apigateway.Stage>;
  functions: Record<string, lambda.IFunction>;
  tables: Record<string, dynamodb.ITable>;
}

/** The operators' view over every other stack: stage alarms and the dashboard (ServiceHealth). */
export class MonitoringStack extends Stack {
  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    new ServiceHealth(this, 'Health', props);
  }
}
