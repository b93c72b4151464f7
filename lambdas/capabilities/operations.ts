import type { AreaCapability } from './definition';

export const operationsCapabilities = {
  health: {
    description: 'Liveness and dependency readiness (DynamoDB, Redis, PostgreSQL, Cognito); details for admins.',
    uses: { tables: { users: 'read' }, redis: true, database: true, userPool: 'client' },
  },
  openapi: {
    description: 'Serves the OpenAPI 3.1 document generated from the route table.',
    uses: {},
  },
} satisfies Record<string, AreaCapability>;
