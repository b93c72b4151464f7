import { documentOf } from '../../lambdas/api/openapi';

/**
 * The v1 OpenAPI document, as the code makes it today: what `npm run api:contract` compares with the frozen
 * one in docs/api/openapi.v1.json. The one place that says which routes and server make v1.
 */
export const v1Document = () => documentOf('v1');
