import type { APIGatewayProxyEvent } from 'aws-lambda';
import type * as z from '../shared/zod';
import type { RouteDefinition, RouteInput } from '../api/route';
import { AppError, validationError, type FieldIssue } from '../shared/errors';
import { fieldIssues } from '../shared/validation';

/** Bodies above this are refused with 413 before parsing (API Gateway's own cap is 10 MB). */
export const MAX_BODY_BYTES = 64 * 1024;

const lowerCaseKeys = (headers: Record<string, string | undefined> | null): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
};

const readBody = (event: APIGatewayProxyEvent, headers: Record<string, string>): unknown => {
  if (event.body === null || event.body === undefined || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
  }
  const type = headers['content-type'];
  if (type && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.');
  }
  try {
    return JSON.parse(raw);
  } catch {
    throw validationError([{ field: 'body', message: 'The body is not valid JSON.' }]);
  }
};

/**
 * Parses and validates every part of a request against its route's schemas, collecting the problems of
 * all parts at once so a client can fix every bad field in one round trip.
 */
export const parseRequest = <R extends RouteDefinition>(route: R, event: APIGatewayProxyEvent): RouteInput<R> => {
  const headers = lowerCaseKeys(event.headers);
  const { params, query, body, headers: headerSchema } = route.request;
  const issues: FieldIssue[] = [];
  const check = (where: string, schema: z.ZodMiniType | undefined, value: unknown) => {
    if (!schema) return where === 'body' ? undefined : {};
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    issues.push(...fieldIssues(where, result.error));
    return undefined;
  };
  const parsedBody = body ? readBody(event, headers) : undefined;
  const input = {
    params: check('params', params, event.pathParameters ?? {}),
    query: check('query', query, event.queryStringParameters ?? {}),
    headers: check('headers', headerSchema, headers),
    body: check('body', body, parsedBody),
  };
  if (issues.length > 0) throw validationError(issues);
  return input as RouteInput<R>;
};
