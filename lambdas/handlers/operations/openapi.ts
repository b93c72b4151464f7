import { documentOf, type buildOpenApiDocument } from '../../api/openapi';
import type { ApiVersion } from '../../api/route';
import { operationsRoutes as routes } from '../../api/routes/operations';
import { httpHandler } from '../../http/handler';

// Built once per version per function instance: the route table cannot change at run time.
const documents = new Map<ApiVersion, ReturnType<typeof buildOpenApiDocument>>();

export const handler = httpHandler(routes.getOpenApi, async ({ version }) => {
  if (!documents.has(version)) documents.set(version, documentOf(version));
  return { body: documents.get(version), headers: { 'cache-control': 'public, max-age=300' } };
});
