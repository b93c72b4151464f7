import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { ConfigError } from './config';
import { ENV } from './env-names';
import { logger } from './logger';
import { metrics, metricsDisabled } from './observability';
import { traceInvocation } from './tracing';

/**
 * Fail fast: in Lambda, a function whose environment lacks what its capability uses stops at cold start
 * with the names of the missing variables, instead of failing on some later request. The stack states
 * the requirements in ENV.requiredEnvironment, so a bundle does not carry the capability registry.
 */
const assertEnvironment = (capability: string) => {
  if (!process.env.AWS_LAMBDA_FUNCTION_NAME) return; // tests and the local runtime set what they use
  const required = (process.env[ENV.requiredEnvironment] ?? '').split(',').filter(Boolean);
  const missing = required
    .filter((anyOf) => !anyOf.split('|').some((name) => process.env[name]))
    .map((anyOf) => anyOf.replaceAll('|', ' or '));
  if (missing.length) throw new ConfigError(`${capability}: environment variables not set: ${missing.join(', ')}`);
};

/**
 * What every function gets, whatever triggers it (HTTP, queue, schedule, stream): the cold-start
 * environment check, the logger with the Lambda context and a correlation id, its trace (a `## index.handler` subsegment, lambdas/shared/tracing.ts), and
 * metrics flushed after each invocation (with a cold-start metric). Trigger-specific wrappers
 * (`httpHandler`, `queueHandler`, `scheduleHandler`) build on this one.
 */
export const lambdaFunction = <E, R>(
  capability: string,
  handler: (event: E, context: Context) => Promise<R>,
  correlationIdOf: (event: E, context: Context) => string | undefined = () => undefined,
) => {
  assertEnvironment(capability);
  // Never the event, whatever POWERTOOLS_LOGGER_LOG_EVENT says: request bodies carry passwords, tokens and PII.
  const fn = middy<E, R>().use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }));
  // Disabled (local runtime, tests), the flush would only warn that there is nothing to publish.
  if (!metricsDisabled()) fn.use(logMetrics(metrics, { captureColdStartMetric: true }));
  return fn
    .before(async (request) => {
      logger.appendKeys({ capability });
      logger.setCorrelationId(correlationIdOf(request.event, request.context) ?? request.context.awsRequestId);
    })
    .handler((event, context) => traceInvocation(() => handler(event, context)));
};
