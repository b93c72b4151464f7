import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * Powertools tracer and metrics, one of each per function instance. Outside Lambda the tracer turns
 * itself off (no AWS_EXECUTION_ENV), and the local runtime and tests set POWERTOOLS_METRICS_DISABLED
 * so metrics are not printed as EMF lines.
 */
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'car-rental' });

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'CarRental',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'car-rental',
});

/** Powertools' own switch (its `isDisabled` is not public): the local runtime and tests set it. */
export const metricsDisabled = (): boolean => process.env.POWERTOOLS_METRICS_DISABLED === 'true';

/** Every AWS SDK client goes through this, so its calls show as subsegments of the function's trace. */
export const traced = <T>(client: T): T => tracer.captureAWSv3Client(client as never);

/**
 * Runs `work` as a remote subsegment of the current trace, so Redis and PostgreSQL calls show in X-Ray
 * beside the AWS SDK ones (which `traced` captures). Outside Lambda, or with no open segment, it just runs.
 */
export const inSubsegment = async <T>(name: string, annotations: Record<string, string>, work: () => Promise<T>): Promise<T> => {
  const parent = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
  if (!parent) return work();
  const subsegment = parent.addNewSubsegment(name);
  subsegment.namespace = 'remote';
  for (const [key, value] of Object.entries(annotations)) subsegment.addAnnotation(key, value);
  try {
    return await work();
  } catch (err) {
    subsegment.addError(err as Error);
    throw err;
  } finally {
    subsegment.close();
  }
};
