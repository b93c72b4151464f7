import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RouteDefinition } from '../api/route';
import { validationError } from '../shared/errors';

/**
 * Every list cursor the API hands out is sealed here, in the one HTTP wrapper (handler.ts), whatever the
 * list: `<inner cursor>.<HMAC-SHA256 of the route, its path parameters and the inner cursor>`. The inner
 * cursors (search positions, DynamoDB keys) are still checked field by field, but a client can no longer
 * make one up or move one to another list: anything not sealed by us for this very list is a 400.
 */
const MAC_BYTES = 16;

/** A list's identity: the operation and its path parameters (a user's reservations are not another's). */
export const cursorScope = (route: Pick<RouteDefinition, 'operationId'>, params: Record<string, unknown>): string =>
  `${route.operationId}:${JSON.stringify(params)}`;

/** Routes that take a `cursor` query parameter (and so answer `nextCursor`). */
export const takesCursor = (route: RouteDefinition): boolean => Boolean(route.request.query?.shape.cursor);

const mac = (key: Buffer, scope: string, inner: string) =>
  createHmac('sha256', key).update(`${scope}\n${inner}`).digest().subarray(0, MAC_BYTES);

export const sealCursor = (key: Buffer, scope: string, inner: string): string => `${inner}.${mac(key, scope, inner).toString('base64url')}`;

/** The inner cursor of a sealed one, or a 400 for anything this list did not hand out. */
export const openCursor = (key: Buffer, scope: string, sealed: string): string => {
  const dot = sealed.lastIndexOf('.');
  const inner = sealed.slice(0, Math.max(0, dot));
  const given = Buffer.from(sealed.slice(dot + 1), 'base64url');
  if (dot <= 0 || given.length !== MAC_BYTES || !timingSafeEqual(given, mac(key, scope, inner))) {
    throw validationError([{ field: 'query.cursor', message: 'The cursor is malformed or belongs to another list.' }]);
  }
  return inner;
};
