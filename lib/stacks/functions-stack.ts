import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { CapabilityDefinition } from '../../lambdas/capabilities';
import { CapabilityFunction, type CapabilityResources } from '../constructs/capability-function';

export interface FunctionsStackProps extends StackProps {
  capabilities: ReadonlyArray<readonly [string, CapabilityDefinition]>;
  /** The data stack's resources; grants land in each function's role policy, in this stack. */
  resources: CapabilityResources;
  /** Reserved concurrency by capability id (the capacity profile's). */
  reservedConcurrency?: Record<string, number>;
}

/**
 * One Lambda function per capability, with its role, log group, trigger and errors alarm. About five
 * resources a function: split it (by area, say) before `test/infra/stacks.test.ts` says it nears its limit.
 */
export class FunctionsStack extends Stack {
  readonly functions: Record<string, lambda.IFunction> = {};

  constructor(scope: Construct, id: string, props: FunctionsStackProps) {
    super(scope, id, props);
    for (const [capId, definition] of props.capabilities) {
      this.functions[capId] = new CapabilityFunction(this, `${capId}Capability`, {
        id: capId,
        definition,
        resources: props.resources,
        reservedConcurrency: props.reservedConcurrency?.[capId],
      }).fn;
    }
  }
}
