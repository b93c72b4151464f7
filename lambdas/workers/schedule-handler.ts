import type { ScheduledEvent } from 'aws-lambda';
import type { CapabilityId } from '../capabilities';
import { lambdaFunction } from '../shared/lambda-function';
import { logger } from '../shared/logger';

/** Builds the handler of a function run on a schedule (EventBridge in AWS, a timer locally); its report is logged. */
export const scheduleHandler = <R>(capability: CapabilityId, fn: () => Promise<R>) =>
  lambdaFunction<ScheduledEvent, R>(
    capability,
    async () => {
      const report = await fn();
      logger.info('scheduled run done', { report });
      return report;
    },
    (event) => event.id,
  );
