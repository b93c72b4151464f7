import { hasAtMostTwoDecimals } from '../domain/fleet/money';
import { $ZodCheckMaxLength } from 'zod/v4/core';
import * as z from '../shared/zod';
import { whole } from '../shared/validation';

/**
 * Bounded building blocks of the schemas (OWASP API4, checked by `npm run lint:openapi`): every string
 * and array has a limit and every integer bounds. Limits on response fields hold too: the local runtime
 * checks every response against its schema (VALIDATE_RESPONSES).
 */

/** A page of any list: `limit` is at most this. */
export const PAGE_MAX = 100;

export const text = (max: number) => z.string().check(z.maxLength(max));

/**
 * The one rule for text a person types (names, addresses, reasons, reviews, a car's make, model and
 * features): no C0 or C1 control characters (NUL breaks PostgreSQL; U+0085 and U+009B are line breaks
 * and terminal escapes in some readers) and no bidi embedding, override or isolate (U+202A-U+202E,
 * U+2066-U+2069 reorder what a reader sees, so a review could display other text than it holds).
 * Bidi marks (U+200E, U+200F, U+061C) stay: right-to-left text needs them. Multi-line text (a review)
 * keeps tab and line breaks. Stored NFC, so the same words compare and sort the same.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_IN_LINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex -- the same, less tab, line feed and carriage return
const UNSAFE_IN_PARAGRAPHS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_MESSAGE = 'Control characters and bidirectional overrides (such as U+202E) are not allowed.';
/** The checks every free-text field carries (shared instances, so `isFreeText` recognises them on any copy). */
const inLine = z.refine<string>((s) => !UNSAFE_IN_LINE.test(s), UNSAFE_MESSAGE);
const inParagraphs = z.refine<string>((s) => !UNSAFE_IN_PARAGRAPHS.test(s), UNSAFE_MESSAGE);
const nfc = z.normalize('NFC');

/** Free text: trimmed, 1 to `max` characters, the rule above; `multiline` for paragraphs (tab, CR, LF allowed). */
export const freeText = (max: number, options: { multiline?: boolean; empty?: string } = {}) =>
  z
    .string()
    .check(
      z.trim(),
      nfc,
      options.multiline ? inParagraphs : inLine,
      z.minLength(1, options.empty ?? 'Must not be empty.'),
      z.maxLength(max),
    );

/** Whether a string schema follows the free-text rule (the tests walk the route table with it). */
export const isFreeText = (schema: z.ZodMiniType): boolean => {
  const checks = (schema._zod.def as { checks?: unknown[] }).checks ?? [];
  return checks.includes(inLine) || checks.includes(inParagraphs);
};
/**
 * A string matching `pattern`, which bounds its length to `max` and whose message names the rule. The
 * maxLength check states that bound in the schema; it only runs once the pattern matched, so a bad value
 * gets the pattern's message alone.
 */
export const patterned = (max: number, pattern: RegExp, message: string, params?: Parameters<typeof z.string>[0]) =>
  z.string(params).check(
    z.regex(pattern, message),
    // zod/mini's z.maxLength() does not take `when`; from zod/v4/core directly, as z.core.… bundles all of core.
    new $ZodCheckMaxLength({ check: 'max_length', maximum: max, when: (payload) => payload.issues.length === 0 }),
  );
export const list = <T extends z.ZodMiniType>(item: T, max: number) => z.array(item).check(z.maxLength(max));
/** A whole number from 0 to max (within int32). */
export const count = (max = 2_147_483_647) => z.int().check(z.gte(0), z.lte(max));

/** The ids of what the API creates (cars, photos, reservations, payments, …) are random UUIDs. */
export const ResourceId = z.uuid();
/** Cognito user ids (`sub`). */
export const UserId = patterned(64, /^[\w-]{1,64}$/, 'Must be a user id.');
/** `required`: the message when the header is missing. */
export const idempotencyKey = (required?: string) =>
  patterned(255, /^[\x21-\x7e]{1,255}$/, 'Use 1 to 255 visible ASCII characters.', required ? { error: required } : undefined);
/** `toISOString()` writes 24 characters. */
export const Timestamp = z.iso.datetime().check(z.maxLength(30));
/** v2's times as asked: a local date-time at the location, to the minute, optionally with its offset. */
export const LocalDateTime = z.string().check(
  z.maxLength(25),
  z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?$/, 'Use a local date-time such as 2027-03-01T10:00.'),
  z.meta({
    description:
      'A local date-time at the pick-up location, to the minute (`2027-03-01T10:00`); an offset may follow (`-08:00`) and must be the location’s at that time.',
    example: '2027-03-01T10:00',
  }),
);
/** v2's times as answered: with the location's offset. */
export const OffsetDateTime = z.iso.datetime({ offset: true }).check(z.maxLength(30));
/** Presigned S3 URLs carry a session token: a few KB. */
export const Url = text(8192);
/** A human-readable sentence from the API (a confirmation, a reason). */
export const Sentence = text(500);
/** An amount of money in the currency unit: at least one minor unit (0.01), at most 2 decimals. */
export const money = (max: number) => z.number().check(z.gte(0.01), z.lte(max), z.refine(hasAtMostTwoDecimals, 'Use at most 2 decimals.'));
/** `limit` and `cursor` of every paginated list. */
export const Limit = z._default(z.coerce.number().check(whole(), z.gte(1), z.lte(PAGE_MAX)), 20);
export const Cursor = z.optional(text(2000)).check(z.meta({ description: 'Opaque cursor from the previous page.' }));
export const NextCursor = z
  .nullable(text(2000))
  .check(z.meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }));
