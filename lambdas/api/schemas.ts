import * as z from '../shared/zod';

/** The one error body every failure uses, from API Gateway and from the handlers alike. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().check(z.meta({ example: 'VALIDATION_FAILED' })),
      message: z.string(),
      details: z.optional(z.unknown()),
    }),
  })
  .check(z.meta({ id: 'Error' }));

export const HealthCheck = z.object({
  status: z.enum(['ok', 'down']),
  latencyMs: z.int().check(z.nonnegative()),
  message: z.optional(z.string()),
});

export const HealthResponse = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    time: z.iso.datetime(),
    checks: z.record(z.string(), HealthCheck),
  })
  .check(z.meta({ id: 'Health' }));

export const HealthQuery = z.object({
  deep: z
    .pipe(
      z.optional(z.enum(['true', 'false'])),
      z.transform((v) => v === 'true'),
    )
    .check(z.meta({ description: 'Also check DynamoDB, Redis and PostgreSQL (readiness).' })),
});
