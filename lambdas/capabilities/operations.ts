import type { CapabilityDefinition } from './definition';

export const operationsCapabilities = {
  health: {
    entry: 'lambdas/handlers/health.ts',
    description: 'Liveness and dependency readiness (DynamoDB, Redis, PostgreSQL, Cognito); details for admins.',
    trigger: { kind: 'http' },
    uses: { tables: { users: 'read' }, redis: true, database: true, userPool: 'client' },
  },
  openapi: {
    entry: 'lambdas/handlers/openapi.ts',
    description: 'Serves the OpenAPI 3.1 document generated from the route table.',
    trigger: { kind: 'http' },
    uses: {},
  },
} satisfies Record<string, CapabilityDefinition>;
