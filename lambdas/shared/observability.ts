import { Metrics } from '@aws-lambda-powertools/metrics';
import { traceAwsClient } from './tracing';

export { inSubsegment } from './tracing';

/**
 * Powertools metrics, one per function instance (tracing is ./tracing.ts). The local runtime and tests set
 * POWERTOOLS_METRICS_DISABLED so metrics are not printed as EMF lines.
 */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'CarRental',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'car-rental',
});

/** Powertools' own switch (its `isDisabled` is not public): the local runtime and tests set it. */
export const metricsDisabled = (): boolean => process.env.POWERTOOLS_METRICS_DISABLED === 'true';

/** Every AWS SDK client goes through this, so its calls show as subsegments of the function's trace. */
export const traced = traceAwsClient;
