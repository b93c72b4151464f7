import type { Stack } from 'aws-cdk-lib';
import { NagSuppressions } from 'cdk-nag';

/**
 * Singleton Lambda functions CDK itself adds to a stack (default-SG restriction, log retention, bucket
 * auto-delete, triggers): their code and roles are maintained by AWS CDK, not by this project.
 */
export const suppressCdkInternals = (stack: Stack): void => {
  for (const child of stack.node.children) {
    if (!/CustomResourceProvider$|^LogRetention[a-f0-9]+$/.test(child.node.id)) continue;
    NagSuppressions.addResourceSuppressions(
      child,
      [
        {
          id: 'AwsSolutions-IAM4',
          reason: 'CDK-internal custom resource; its role uses AWSLambdaBasicExecutionRole as written by AWS CDK.',
          appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
        },
        {
          id: 'AwsSolutions-IAM5',
          reason: 'CDK-internal custom resource; its permissions are scoped by AWS CDK to what the resource manages.',
          appliesTo: ['Resource::*'],
        },
        { id: 'AwsSolutions-L1', reason: 'CDK-internal custom resource; AWS CDK chooses and upgrades its runtime.' },
      ],
      true,
    );
  }
};
