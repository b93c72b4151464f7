import { $ZodCheckNumberFormat, type $ZodCheck, type $ZodError } from 'zod/v4/core';
import { looksLikeCardNumber, REDACTED_FIELD } from './card-numbers';
import type { FieldIssue } from './errors';

/** A field name is echoed back, unless it looks like a card number (then it must not be repeated anywhere). */
const fieldName = (key: PropertyKey) => (looksLikeCardNumber(String(key)) ? REDACTED_FIELD : String(key));

/**
 * zod's issues as the API reports them: dotted field paths under `where` (`body.details.orderId`), and
 * one field per unknown key (a strict object names them all in a single issue).
 */
export const fieldIssues = (where: string, error: $ZodError): FieldIssue[] =>
  error.issues.flatMap((issue) => {
    const at = [where, ...issue.path.map(fieldName)];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...at, fieldName(key)].join('.'), message: 'Unknown field; it is not accepted here.' }));
    }
    return [{ field: at.join('.'), message: issue.message }];
  });

/**
 * Whole-number check for a number schema (`z.number().int()` of zod classic): zod/mini only has `z.int()`,
 * a schema, which a coerced number or a custom message for fractions alone cannot use. (From zod/v4/core
 * directly: `z.core.…` would bundle all of core, every locale included.)
 */
export const whole = (error?: string): $ZodCheck<number> =>
  new $ZodCheckNumberFormat({ check: 'number_format', format: 'safeint', ...(error ? { error: () => error } : {}) });
