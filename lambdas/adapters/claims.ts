import type { RequestClaim } from '../domain/bookings/ports';
import type { TransactItem } from './dynamo-conflicts';

/**
 * The Put of a request claim (domain/idempotency.ts), for the transaction that writes what the request
 * creates: it fails while a live claim names another request, and the caller then reads that claim.
 * `names` is what the claim points at (e.g. `{ reservationId }`); a claim still naming `supersede` (a
 * request the caller chose to replace) is taken over. `expiresAt` is the table's TTL, where it has one.
 */
export const claimPut = (
  tableName: string,
  key: { pk: string; sk: string },
  names: Record<string, string>,
  claim: RequestClaim,
  nowMs: number,
  supersede?: Record<string, string>,
): TransactItem => {
  const [superseded] = Object.entries(supersede ?? {});
  return {
    Put: {
      TableName: tableName,
      Item: { ...key, ...names, fingerprint: claim.fingerprint, claimUntil: claim.until, expiresAt: Math.ceil(claim.until / 1000) },
      ConditionExpression: `attribute_not_exists(pk) OR claimUntil < :now${superseded ? ' OR #superseded = :superseded' : ''}`,
      ExpressionAttributeValues: { ':now': nowMs, ...(superseded ? { ':superseded': superseded[1] } : {}) },
      ...(superseded ? { ExpressionAttributeNames: { '#superseded': superseded[0] } } : {}),
    },
  };
};
