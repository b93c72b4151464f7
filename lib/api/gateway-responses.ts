/**
 * Errors API Gateway answers by itself (before or instead of a function's answer), in the project's error
 * body `{"error":{"code","message"}}`. One table for both sides: the stack turns it into gateway responses
 * (lib/constructs/rest-api.ts) and the local runtime answers from it (local/server.ts), so a client sees the
 * same status, code, message and headers from either. No CDK import: the local runtime reads it too.
 */

/** API Gateway's gateway response types this stack customises (`ResponseType.of(type)` in CDK). */
export type GatewayResponseType =
  'DEFAULT_4XX' | 'DEFAULT_5XX' | 'UNAUTHORIZED' | 'ACCESS_DENIED' | 'MISSING_AUTHENTICATION_TOKEN' | 'THROTTLED' | 'QUOTA_EXCEEDED';

export interface GatewayError {
  /**
   * The gateway response this becomes in AWS, under a construct id kept stable across deploys (a new id would
   * put the new response, then delete the old one: back to API Gateway's default). None where AWS answers
   * with a body no gateway response can change.
   */
  aws?: { type: GatewayResponseType; id: string };
  /** The status the local runtime answers with, and the stack sets unless `gatewayPicksStatus`. */
  status: number;
  /** DEFAULT_4XX/5XX keep API Gateway's own status (502 function error, 504 timeout…): the stack sets none. */
  gatewayPicksStatus?: true;
  code: string;
  /**
   * Literal text, the same on both sides. `{requestId}` is API Gateway's request id (`$context.requestId`),
   * the id the function logs under. Absent: API Gateway's own message (`$context.error.messageString`).
   */
  message?: string;
  headers?: Record<string, string>;
}

export const GATEWAY_ERRORS = {
  // A REST API answers an unknown path, or a known path with another method, with 403 "Missing Authentication
  // Token" (MISSING_AUTHENTICATION_TOKEN): both are a 404 here, locally too (no 405: AWS cannot tell them apart).
  noRoute: {
    aws: { type: 'MISSING_AUTHENTICATION_TOKEN', id: 'NoSuchRoute' },
    status: 404,
    code: 'NOT_FOUND',
    message: 'No route matches this method and path.',
  },
  // The Cognito authorizer: no token, a malformed, expired or forged one.
  unauthenticated: {
    aws: { type: 'UNAUTHORIZED', id: 'Unauthorized' },
    status: 401,
    code: 'UNAUTHENTICATED',
    message: 'A valid bearer token is required: it is missing, malformed or expired.',
  },
  forbidden: { aws: { type: 'ACCESS_DENIED', id: 'AccessDenied' }, status: 403, code: 'FORBIDDEN' },
  // API Gateway's own Retry-After cannot be computed per request; the local runtime sends the same fixed value.
  throttled: {
    aws: { type: 'THROTTLED', id: 'Throttled' },
    status: 429,
    code: 'THROTTLED',
    message: 'Too many requests: retry after the seconds in Retry-After.',
    headers: { 'Retry-After': '1' },
  },
  quotaExceeded: { aws: { type: 'QUOTA_EXCEEDED', id: 'QuotaExceeded' }, status: 429, code: 'THROTTLED', headers: { 'Retry-After': '60' } },
  // Any other refusal of API Gateway's (WAF, unsupported media type…), with its own status and message.
  otherRefusal: { aws: { type: 'DEFAULT_4XX', id: 'Default4xx' }, status: 400, gatewayPicksStatus: true, code: 'BAD_REQUEST' },
  // A function that throws, times out or answers no proxy result: API Gateway answers 502 (504 past its
  // 29 s), never the function's error; 500 when Lambda refuses the invocation (an event over 6 MB).
  functionFailed: {
    aws: { type: 'DEFAULT_5XX', id: 'Default5xx' },
    status: 502,
    gatewayPicksStatus: true,
    code: 'INTERNAL_ERROR',
    message: 'Internal server error (reference {requestId}).',
  },
  // Over API Gateway's 10 MB payload limit: AWS answers 413 with its own body (REQUEST_TOO_LARGE cannot be
  // customised), the local runtime with the project's.
  payloadTooLarge: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'The request is larger than 10 MB.' },
  // Over API Gateway's 10,240 bytes of request line and headers: AWS refuses with its own answer.
  headersTooLarge: {
    status: 431,
    code: 'REQUEST_HEADERS_TOO_LARGE',
    message: 'The request line and headers are larger than 10,240 bytes.',
  },
} satisfies Record<string, GatewayError>;

/** Lambda's synchronous invoke payload limit: API Gateway's 500 (DEFAULT_5XX) for a larger event. */
export const LAMBDA_MAX_INVOKE_BYTES = 6 * 1024 * 1024;
/** API Gateway's request payload limit (REST API). */
export const GATEWAY_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/** API Gateway's limit on the request line plus header values (REST API). */
export const GATEWAY_MAX_HEADER_BYTES = 10_240;

/** The response-template body: `$context` substitutions in AWS, where the local runtime writes literal text. */
export const errorTemplate = (error: GatewayError): string => {
  // Templates are plain substitution, not VTL: `messageString` arrives as a quoted JSON string.
  const message =
    error.message === undefined
      ? '$context.error.messageString'
      : JSON.stringify(error.message).replace('{requestId}', '$context.requestId');
  return `{"error":{"code":"${error.code}","message":${message}}}`;
};

/** The message the local runtime sends: the table's text, or `fallback` where AWS words it itself. */
export const localMessage = (error: GatewayError, fallback: string, requestId = '-'): string =>
  (error.message ?? fallback).replace('{requestId}', requestId);
