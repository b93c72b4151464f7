import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { AppError } from './errors';
import { metrics } from './observability';

/**
 * The business events operators watch, as CloudWatch metrics (EMF, flushed with the invocation by the
 * function wrapper; cold starts are counted there too). One list, so dashboards and alarms have names to
 * rely on.
 */
export type BusinessEvent =
  'Registrations' | 'SignIns' | 'SignInFailures' | 'SignInsThrottled' | 'SearchCacheHits' | 'SearchCacheMisses' | 'CarsChanged';

export const countEvent = (event: BusinessEvent, value = 1): void => {
  metrics.addMetric(event, MetricUnit.Count, value);
};

/**
 * Counts how a credential check ended: a sign-in, a wrong credential or a refusal by the attempt limits.
 * An outage (503) is none of them: the function's error metrics show it.
 */
export const countSignIn = async <T>(attempt: Promise<T>, signedIn: (result: T) => boolean = () => true): Promise<T> => {
  try {
    const result = await attempt;
    if (signedIn(result)) countEvent('SignIns');
    return result;
  } catch (err) {
    if (err instanceof AppError && err.kind === 'UNAUTHENTICATED') countEvent('SignInFailures');
    if (err instanceof AppError && err.kind === 'TOO_MANY_REQUESTS') countEvent('SignInsThrottled');
    throw err;
  }
};
