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
