import { randomUUID } from 'node:crypto';
import type { BookingDeps } from '../../lambdas/domain/bookings/ports';

/**
 * Booking deps for tests about the stores: the given store, cars and clock, with nothing else in the
 * way (no cache, queue or notifier; no Redis lock, so only DynamoDB's conditions decide), fresh ids and
 * the 5-minute hold. `patch` adds or replaces any of them.
 */
export const storeOnlyBookingDeps = (base: Pick<BookingDeps, 'reservations' | 'cars' | 'clock'> & Partial<BookingDeps>): BookingDeps => ({
  cache: { calendarChanging: async () => undefined, calendarChanged: async () => undefined },
  queue: { send: async () => undefined },
  locks: { acquire: async () => 'unavailable' },
  notifier: { publish: async () => undefined },
  newId: () => randomUUID(),
  holdMs: 5 * 60_000,
  ...base,
});
