import * as z from 'zod';

/** The one error body every failure uses, from API Gateway and from the handlers alike. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'VALIDATION_FAILED' }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

export const HealthCheck = z.object({
  status: z.enum(['ok', 'down']),
  latencyMs: z.number().int().nonnegative(),
  message: z.string().optional(),
});

export const HealthResponse = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    time: z.iso.datetime(),
    checks: z.record(z.string(), HealthCheck),
  })
  .meta({ id: 'Health' });

export const HealthQuery = z.object({
  deep: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .meta({ description: 'Also check DynamoDB, Redis, PostgreSQL and Cognito (readiness; status only, details at /health/details).' }),
});
