import { createHash } from 'node:crypto';
import type { Reservation } from '../../domain/bookings/reservation';
import { tables } from '../../shared/tables';

/**
 * The one owner of the reservations table's item formats (see README "Data model"): the bookings
 * adapter, the fleet's upcoming-reservations lookup, the benchmark and the tests all go through it.
 *
 *   reservation  pk RES#<id>                  sk RES
 *   its photos   pk RES#<id>                  sk PHOTOS keys (the rental photo keys issued: counter/photos.ts)
 *                gsi1 byUserKeys USER#<userId> / <startDate or v2 pick-up instant>#<id>   (history, newest
 *                                first; keys only)
 *                gsi2 byCarKeys  CAR#<carId>   / <endDate>#<id>     (a car's upcoming and past; keys only)
 *                gsi3 byDueKeys SWEEP#<n>    / AT#<due, ISO UTC>#<id>   (keys only; sparse: only while the
 *                              sweeper has something to do: resend, expire, remind or complete)
 *   day lock     pk DAY#<carId>#<yyyy-mm-dd>  sk DAY   owner, kind, holdExpiresAt? (a lapsed hold is free)
 *   claim        pk CLAIM#<userId>#<key>      sk CLAIM  blockId (an admin's maintenance block), fingerprint,
 *                                                       claimUntil (booking requests' claims before the ledger:
 *                                                       reservationId)
 *   ledger       pk CUSTOMER#<userId>         sk LEDGER     what counts against the customer's limits and the live
 *                                                       claims of their requests (customer-ledger.ts)
 *   (before the ledger: pk CUSTOMER#<userId>, sk RES#<id> usage items and sk VERSION; folded in by the
 *    customer's first admission, then left to TTL)
 */
/** Keys only (tables.ts): a Query of them names reservations, `getInOrder` reads them. */
export const BY_USER = tables.reservations.indexes.find((i) => i.name === 'byUserKeys')!.name;
export const BY_CAR = tables.reservations.indexes.find((i) => i.name === 'byCarKeys')!.name;
export const BY_DUE = tables.reservations.indexes.find((i) => i.name === 'byDueKeys')!.name;
/** Partitions of the sparse due index, so its writes spread (the sweeper reads them all). */
export const DUE_SHARDS = 4;

const FIELDS = [
  'reservationId',
  'userId',
  'contactEmail',
  'carId',
  'startDate',
  'endDate',
  'pickupAt',
  'returnAt',
  'readyAt',
  'status',
  'price',
  'car',
  'quoteId',
  'lines',
  'extras',
  'returnLocation',
  'paymentOption',
  'terms',
  'change',
  'changeIds',
  'keptMinor',
  'pickup',
  'dropoff',
  'charges',
  'settlement',
  'holdExpiresAt',
  'reason',
  'refund',
  'remindedAt',
  'feedbackId',
  'createdAt',
  'updatedAt',
] as const;

export const reservationKey = (reservationId: string) => ({ pk: `RES#${reservationId}`, sk: 'RES' });
export const rentalPhotosKey = (reservationId: string) => ({ pk: `RES#${reservationId}`, sk: 'PHOTOS' });
export const claimKey = (userId: string, key: string) => ({ pk: `CLAIM#${userId}#${key}`, sk: 'CLAIM' });
export const customerPartition = (userId: string) => `CUSTOMER#${userId}`;

const dueShard = (reservationId: string) => createHash('sha1').update(reservationId).digest().readUInt32BE(0) % DUE_SHARDS;
export const duePartition = (shard: number) => `SWEEP#${shard}`;
/** The latest instant whose ISO text keeps its fixed 24-character `YYYY-MM-DDTHH:mm:ss.sssZ` shape. */
const LAST_ISO_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/**
 * `AT#` and the due time as fixed-width ISO text, clamped to years 1970..9999 so its width never changes
 * (a year past 9999 is written `+010000-...` and would sort first). The earlier form, epoch ms padded to
 * 13 digits, overflowed after 2286 and sorted such dates before "now", starving the sweeper. Every key of
 * that old form (digits) sorts before `AT#`, so the sweeper finds each old item due at its next run and
 * rewrites its key in this form (sweepOne only acts on what is really due): no separate migration.
 */
export const dueSortKey = (dueMs: number, reservationId: string) =>
  `AT#${new Date(Math.min(LAST_ISO_MS, Math.max(0, Math.floor(dueMs)))).toISOString()}#${reservationId}`;

/** The due-index attributes for a reservation the sweeper must look at again at `dueMs`. */
export const dueKeys = (reservationId: string, dueMs: number) => ({
  gsi3pk: duePartition(dueShard(reservationId)),
  gsi3sk: dueSortKey(dueMs, reservationId),
});

export const toReservationItem = (r: Reservation, dueMs?: number): Record<string, unknown> => ({
  ...reservationKey(r.reservationId),
  ...Object.fromEntries(FIELDS.filter((f) => r[f] !== undefined).map((f) => [f, r[f]])),
  gsi1pk: `USER#${r.userId}`,
  // A v2 booking sorts by its pick-up instant (ISO, UTC) within its day: after the v1 ones of that day,
  // which keep their day alone (`2027-03-01` < `2027-03-01T…`), so the history is newest pick-up first.
  gsi1sk: `${r.pickupAt ? new Date(Date.parse(r.pickupAt)).toISOString() : r.startDate}#${r.reservationId}`,
  gsi2pk: `CAR#${r.carId}`,
  gsi2sk: `${r.endDate}#${r.reservationId}`,
  ...(dueMs === undefined ? {} : dueKeys(r.reservationId, dueMs)),
});

export const fromReservationItem = (item: Record<string, unknown>): Reservation =>
  Object.fromEntries(FIELDS.filter((f) => item[f] !== undefined).map((f) => [f, item[f]])) as unknown as Reservation;

export const isReservationItem = (item: Record<string, unknown>): boolean => item.sk === 'RES';
