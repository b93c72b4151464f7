import { isUnavailable } from '../adapters/unavailable';
import { AppError, dependencyUnavailable, type ErrorKind } from '../shared/errors';

/** The single place where domain failures become HTTP statuses and the JSON error body. */
const STATUS: Record<ErrorKind, { status: number; code: string }> = {
  VALIDATION: { status: 400, code: 'VALIDATION_FAILED' },
  UNAUTHENTICATED: { status: 401, code: 'UNAUTHENTICATED' },
  FORBIDDEN: { status: 403, code: 'FORBIDDEN' },
  EMAIL_NOT_VERIFIED: { status: 403, code: 'EMAIL_NOT_VERIFIED' },
  NOT_FOUND: { status: 404, code: 'NOT_FOUND' },
  CONFLICT: { status: 409, code: 'CONFLICT' },
  PRECONDITION_FAILED: { status: 412, code: 'PRECONDITION_FAILED' },
  PAYLOAD_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  PAYMENT_DECLINED: { status: 422, code: 'PAYMENT_DECLINED' },
  UNPROCESSABLE: { status: 422, code: 'UNPROCESSABLE' },
  IDEMPOTENCY_MISMATCH: { status: 422, code: 'IDEMPOTENCY_KEY_REUSED' },
  TOO_MANY_REQUESTS: { status: 429, code: 'THROTTLED' },
  DEPENDENCY_UNAVAILABLE: { status: 503, code: 'SERVICE_UNAVAILABLE' },
};

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' } as const;

export const errorBody = (code: string, message: string, details?: unknown) =>
  JSON.stringify({ error: details === undefined ? { code, message } : { code, message, details } });

/**
 * Maps any thrown value to a response. A dependency that could not be reached or did not answer in time
 * (network error, SDK TimeoutError or RequestTimeout, ETIMEDOUT, Redis or PostgreSQL timeouts, throttling,
 * 5xx) is a 503 with Retry-After, even where the adapter did not translate it itself. Other unknown errors
 * become a 500 with a generic message: the stack trace goes to the log (with the request id the client
 * also gets), never to the client.
 */
export const toErrorResponse = (thrown: unknown, requestId?: string): HttpResponse => {
  const err = !(thrown instanceof AppError) && isUnavailable(thrown) ? dependencyUnavailable('backing service') : thrown;
  if (err instanceof AppError) {
    const { status, code } = STATUS[err.kind];
    const headers: Record<string, string> = { ...JSON_HEADERS };
    if (err.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(err.retryAfterSeconds)));
    return { statusCode: status, headers, body: errorBody(err.code ?? code, err.message, err.details) };
  }
  const ref = requestId ? ` (reference ${requestId})` : '';
  return {
    statusCode: 500,
    headers: { ...JSON_HEADERS },
    body: errorBody('INTERNAL', `Something went wrong on our side${ref}. It has been logged.`),
  };
};
