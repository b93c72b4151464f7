import * as z from '../../lambdas/shared/zod';
import type { RouteDefinition } from '../../lambdas/api/route';

/** What API Gateway needs to validate a request before it reaches a function. */

type JsonSchemaObject = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

/**
 * JSON Schema of what a client sends. Draft 4 is the dialect API Gateway models speak; an empty registry
 * inlines schemas that carry an `id` (API Gateway cannot resolve `#/definitions` references across models).
 */
export const requestJsonSchema = (schema: z.ZodMiniType): JsonSchemaObject => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-04',
    io: 'input', // validate the wire format, before transforms and defaults
    unrepresentable: 'any',
    metadata: z.registry(),
  }) as JsonSchemaObject;
  return rest;
};

const sources = { params: 'path', query: 'querystring', headers: 'header' } as const;

/** `method.request.<source>.<name>` -> required?, for every path, query and header parameter of the route. */
export const requestParameters = (route: RouteDefinition): Record<string, boolean> => {
  const parameters: Record<string, boolean> = {};
  for (const [part, source] of Object.entries(sources) as Array<[keyof typeof sources, string]>) {
    const schema = route.request[part];
    if (!schema) continue;
    const json = requestJsonSchema(schema);
    const required = new Set(json.required ?? []);
    for (const name of Object.keys(json.properties ?? {})) {
      // Path parameters are always present once the path matched.
      parameters[`method.request.${source}.${name}`] = source === 'path' || required.has(name);
    }
  }
  return parameters;
};

/** API Gateway model names are alphanumeric: `createCar` -> `CreateCarRequest`. */
export const modelName = (route: RouteDefinition): string =>
  `${route.operationId.charAt(0).toUpperCase()}${route.operationId.slice(1)}Request`.replace(/[^A-Za-z0-9]/g, '');
