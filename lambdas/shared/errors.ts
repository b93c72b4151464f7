/**
 * Domain errors. They carry no HTTP knowledge: `http/errors.ts` maps each kind to a status in one place,
 * so use cases stay free of transport concerns.
 */
export type ErrorKind =
  | 'VALIDATION'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'EMAIL_NOT_VERIFIED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYMENT_DECLINED'
  | 'UNPROCESSABLE'
  | 'IDEMPOTENCY_MISMATCH'
  | 'TOO_MANY_REQUESTS'
  | 'DEPENDENCY_UNAVAILABLE';

/** One bad input field: where it is (dotted path, `body.email`, `query.startDate`) and what is wrong. */
export interface FieldIssue {
  field: string;
  message: string;
  /** The rule broken, as a stable code, where there is one (v2's time rules: OUTSIDE_OPENING_HOURS...). */
  rule?: string;
}

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly details?: unknown,
    /** Seconds a client should wait before retrying (429, 503). */
    readonly retryAfterSeconds?: number,
    /** A more precise code than the kind's own (e.g. `HOLD_LIMIT_REACHED` for a 409), for clients to act on. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const validationError = (issues: FieldIssue[], message = 'The request is invalid.') =>
  new AppError('VALIDATION', message, { fields: issues });
export const unauthenticated = (message = 'A valid bearer token is required.') => new AppError('UNAUTHENTICATED', message);
export const forbidden = (message = 'You are not allowed to do this.') => new AppError('FORBIDDEN', message);
export const emailNotVerified = () =>
  new AppError(
    'EMAIL_NOT_VERIFIED',
    'Verify your email first: enter the code we emailed you at POST /v1/users/me/email/verify (a new code: ' +
      'POST /v1/users/me/email/verification), then refresh your token.',
  );
export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} was not found.`);
export const conflict = (message: string, details?: unknown, code?: string) => new AppError('CONFLICT', message, details, undefined, code);
/** An `If-Match` that names another version than the current one: the client read something that has changed since. */
export const preconditionFailed = (message: string, details?: unknown) => new AppError('PRECONDITION_FAILED', message, details);
/**
 * Well-formed input that a business rule refuses (a one-way return the matrix does not allow, a driver
 * under the minimum age): 422, coded by the rule, each issue naming its field and rule.
 */
export const unprocessable = (issues: FieldIssue[], message: string, code = issues[0]?.rule) =>
  new AppError('UNPROCESSABLE', message, { fields: issues }, undefined, code);
export const tooManyRequests = (retryAfterSeconds: number, message = 'Too many requests; retry later.') =>
  new AppError('TOO_MANY_REQUESTS', message, undefined, retryAfterSeconds);
export const dependencyUnavailable = (dependency: string, retryAfterSeconds = 5) =>
  new AppError(
    'DEPENDENCY_UNAVAILABLE',
    `A service this request needs (${dependency}) is unavailable; nothing was changed. Retry later.`,
    { dependency },
    retryAfterSeconds,
  );
