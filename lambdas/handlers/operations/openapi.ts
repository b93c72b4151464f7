import { buildOpenApiDocument } from '../../api/openapi';
import { operationsRoutes as routes } from '../../api/routes/operations';
import { httpHandler } from '../../http/handler';

// Built once per function instance: the route table cannot change at run time.
let document: ReturnType<typeof buildOpenApiDocument> | undefined;

export const handler = httpHandler(routes.getOpenApi, async () => {
  document ??= buildOpenApiDocument();
  return { body: document, headers: { 'cache-control': 'public, max-age=300' } };
});
