import * as z from '../shared/zod';
import { count, Sentence, text, Timestamp } from './fields';

/** The one error body every failure uses, from API Gateway and from the handlers alike. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: text(64).check(z.meta({ example: 'VALIDATION_FAILED' })),
      message: text(2000),
      details: z.optional(z.unknown()),
    }),
  })
  .check(z.meta({ id: 'Error' }));

export const HealthCheck = z.object({
  status: z.enum(['ok', 'down']),
  latencyMs: count(),
  message: z.optional(Sentence),
});

export const HealthResponse = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: text(64),
    time: Timestamp,
    checks: z.record(text(40), HealthCheck),
  })
  .check(z.meta({ id: 'Health' }));

export const HealthQuery = z.object({
  deep: z
    .pipe(
      z.optional(z.enum(['true', 'false'])),
      z.transform((v) => v === 'true'),
    )
    .check(
      z.meta({ description: 'Also check DynamoDB, Redis, PostgreSQL and Cognito (readiness; status only, details at /health/details).' }),
    ),
});
