import { createHash } from 'node:crypto';
import { AppError } from '../shared/errors';

/** A claim on a request's key, written with what the request creates (see idempotencyClaim). */
export interface RequestClaim {
  key: string;
  /** What the request was (car and dates): the same key with another request is refused. */
  fingerprint: string;
  /** Epoch ms after which the key may name a new request. */
  until: number;
}

/** An admin's claim: the key is the admin's own. */
export type OwnedClaim = RequestClaim & { owner: string };

/** How long a client's Idempotency-Key names the request it first came with. */
export const IDEMPOTENCY_KEY_MS = 24 * 3_600_000;

export const requestHash = (...parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('base64url').slice(0, 32);

/**
 * The claim of an Idempotency-Key: written in the same transaction as what the request creates (a
 * booking request, a car), so a retry finds the claim and answers with what the first attempt made,
 * and the same key with another request (`fingerprint`) is refused.
 */
export const idempotencyClaim = (idempotencyKey: string, fingerprint: string, nowMs: number): RequestClaim => ({
  key: `KEY#${requestHash(idempotencyKey)}`,
  fingerprint,
  until: nowMs + IDEMPOTENCY_KEY_MS,
});

/** Who sent an admin's write, and the optional Idempotency-Key it came with. */
export interface AdminRequest {
  adminId?: string;
  idempotencyKey?: string;
}

/** The claim of an admin's Idempotency-Key, keyed per admin (none without a key). */
export const adminClaim = (request: AdminRequest, fingerprint: string, nowMs: number): OwnedClaim | undefined =>
  request.idempotencyKey ? { ...idempotencyClaim(request.idempotencyKey, fingerprint, nowMs), owner: request.adminId ?? '' } : undefined;

export const keyReused = (what: string) =>
  new AppError('IDEMPOTENCY_MISMATCH', `This Idempotency-Key was already used for another ${what}; use a new key.`);
