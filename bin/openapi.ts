/** `npm run openapi > openapi.json`: writes the OpenAPI 3.1 document generated from the route table. */
import { buildOpenApiDocument } from '../lambdas/api/openapi';

process.stdout.write(`${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
