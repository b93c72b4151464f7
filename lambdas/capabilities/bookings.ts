import { BOOKINGS_AND_MONEY, type AreaCapability } from './definition';

/**
 * Booking: one function per operation. Only the request path sends to the queue; only the worker, the
 * sweeper and cancellation change the car's blocks (and so use Redis for the lock and the cache).
 */
export const bookingCapabilities = {
  requestBooking: {
    description: 'Customer: price and queue a booking request (202), or wait for its decision (Prefer: wait=N).',
    uses: { tables: { reservations: 'readWrite', cars: 'read' }, queues: { booking: 'send' } },
    // Prefer: wait=N may wait up to 10 s for the decision.
    timeoutSeconds: 15,
  },
  requestTimedBooking: {
    description:
      'Customer (v2): a booking from a time to a time, or of a quote, sold at its quote-style price to an eligible driver (the profile in the users table), queued as v1’s.',
    uses: { tables: { reservations: 'readWrite', cars: 'read', users: 'read' }, queues: { booking: 'send' } },
    timeoutSeconds: 15,
  },
  changeReservation: {
    description:
      'Owner or admin (v2): change a rental’s times and extras, or extend it; re-priced (pricing, the driver’s profile), decided on the car’s and extras’ calendars, the difference charged or refunded (PostgreSQL, the gateways).',
    uses: { ...BOOKINGS_AND_MONEY, tables: { ...BOOKINGS_AND_MONEY.tables, users: 'read' } },
    // A charge with its gateway fallback, or a refund, between the claim and the change.
    timeoutSeconds: 25,
  },
  getReservation: {
    description: 'Owner or admin: one reservation.',
    uses: { tables: { reservations: 'read' } },
  },
  cancelReservation: {
    description: 'Owner or admin: cancel, free the days, record the refund and tell the customer.',
    uses: { tables: { reservations: 'readWrite', cars: 'readWrite' }, redis: true, notifications: true },
  },
  listUserReservations: {
    description: 'That user or an admin: rental history from the keys-only byUserKeys index (then the items).',
    uses: { tables: { reservations: 'read' }, cursors: true },
  },
  listCarReservations: {
    description: "Admin: a car's upcoming or past reservations from the keys-only byCarKeys index (then the items).",
    uses: { tables: { reservations: 'read' }, cursors: true },
  },
  manageCarBlocks: {
    description: 'Admin: add or remove maintenance blocks (day locks and the car block in one transaction).',
    uses: { tables: { reservations: 'readWrite', cars: 'readWrite' }, redis: true },
  },
  decideBooking: {
    description: 'Booking worker: Redis lock, one conditional transaction, Pending or Rejected; partial batch failures.',
    trigger: { kind: 'queue', queue: 'booking', batchSize: 10 },
    uses: { tables: { reservations: 'readWrite', cars: 'readWrite' }, redis: true, notifications: true },
    timeoutSeconds: 30,
  },
  sweepReservations: {
    description: 'Every minute: resend or reject undecided requests, expire lapsed holds, send reminders, complete rentals.',
    trigger: { kind: 'schedule', everyMinutes: 1 },
    uses: { tables: { reservations: 'readWrite', cars: 'readWrite' }, queues: { booking: 'send' }, redis: true, notifications: true },
    timeoutSeconds: 60,
  },
} satisfies Record<string, AreaCapability>;
