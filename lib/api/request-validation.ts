import * as z from '../../lambdas/shared/zod';
import type { RouteDefinition } from '../../lambdas/api/route';

/**
 * The parameters each API Gateway method declares. API Gateway validates nothing (no request validator, no
 * models): the function checks every part of a request against the same zod schemas, in AWS and locally,
 * so a client gets one answer (400 with `details.fields`) from both.
 */

type JsonSchemaObject = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

/** JSON Schema of what a client sends (draft 4, API Gateway's dialect), for its parameter names. */
const requestJsonSchema = (schema: z.ZodMiniType): JsonSchemaObject => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-04',
    io: 'input', // the wire format, before transforms and defaults
    unrepresentable: 'any',
    metadata: z.registry(),
  }) as JsonSchemaObject;
  return rest;
};

const sources = { params: 'path', query: 'querystring', headers: 'header' } as const;

/** `method.request.<source>.<name>` -> required?, for every path, query and header parameter of the route (documentation; not enforced). */
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
