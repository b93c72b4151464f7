import { ResponseType } from 'aws-cdk-lib/aws-apigateway';

/**
 * Errors API Gateway answers by itself (before any function runs), in the project's error body
 * `{"error":{"code","message"}}` so clients parse one shape whoever answered.
 * Gateway response templates are plain substitution, not VTL: `$context.error.messageString` is already a
 * quoted JSON string; `validationErrorString` is escaped but unquoted, hence the quotes around it.
 */
const GATEWAY_MESSAGE = '$context.error.messageString';
const VALIDATION_MESSAGE = '"$context.error.validationErrorString"';

export interface GatewayErrorResponse {
  id: string;
  type: ResponseType;
  /** Omitted: keep API Gateway's own status for the type (e.g. 413 or 415 within DEFAULT_4XX). */
  statusCode?: string;
  code: string;
  /** A JSON value (quoted string or substitution) for the `message` field. */
  message: string;
  headers?: Record<string, string>;
}

export const gatewayErrorResponses: readonly GatewayErrorResponse[] = [
  { id: 'Default4xx', type: ResponseType.DEFAULT_4XX, code: 'BAD_REQUEST', message: GATEWAY_MESSAGE },
  { id: 'Default5xx', type: ResponseType.DEFAULT_5XX, code: 'INTERNAL_ERROR', message: GATEWAY_MESSAGE },
  { id: 'Unauthorized', type: ResponseType.UNAUTHORIZED, statusCode: '401', code: 'UNAUTHENTICATED', message: GATEWAY_MESSAGE },
  { id: 'AccessDenied', type: ResponseType.ACCESS_DENIED, statusCode: '403', code: 'FORBIDDEN', message: GATEWAY_MESSAGE },
  // A REST API answers an unknown method/path with 403 "Missing Authentication Token"; it is really a 404.
  {
    id: 'NoSuchRoute',
    type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
    statusCode: '404',
    code: 'NOT_FOUND',
    message: '"No route matches this method and path."',
  },
  { id: 'BadRequestBody', type: ResponseType.BAD_REQUEST_BODY, statusCode: '400', code: 'VALIDATION_FAILED', message: VALIDATION_MESSAGE },
  { id: 'BadRequestParameters', type: ResponseType.BAD_REQUEST_PARAMETERS, statusCode: '400', code: 'VALIDATION_FAILED', message: VALIDATION_MESSAGE },
  { id: 'Throttled', type: ResponseType.THROTTLED, statusCode: '429', code: 'THROTTLED', message: GATEWAY_MESSAGE, headers: { 'Retry-After': "'1'" } },
  { id: 'QuotaExceeded', type: ResponseType.QUOTA_EXCEEDED, statusCode: '429', code: 'THROTTLED', message: GATEWAY_MESSAGE, headers: { 'Retry-After': "'60'" } },
];

export const errorTemplate = (response: GatewayErrorResponse): string =>
  `{"error":{"code":"${response.code}","message":${response.message}}}`;
