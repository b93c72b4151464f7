import { BOOKINGS_AND_MONEY, type AreaCapability } from './definition';

/**
 * Payments: PostgreSQL (Aurora through RDS Proxy) holds the money; confirming a reservation writes the
 * booking tables, so the functions that confirm (the payment itself and the outbox relay) also get
 * those tables, Redis (cache invalidation) and the notifications topic.
 */
const confirms = BOOKINGS_AND_MONEY;

export const paymentCapabilities = {
  payForReservation: {
    description: 'Customer: pay a Pending reservation through its method’s gateways (fallback on failure), then confirm it.',
    uses: confirms,
    // Two gateway attempts with their timeouts, then the confirmation.
    timeoutSeconds: 25,
  },
  listPaymentMethods: {
    description: 'Public: the payment methods on offer, from the method registry.',
    uses: {},
  },
  readPayments: {
    description: 'Owner or admin: a payment, or the payments and refunds of a reservation.',
    uses: { tables: { reservations: 'read' }, database: true },
  },
  refundPayment: {
    description: 'Admin: refund part or all of a payment through the gateway that took it.',
    uses: { database: true, paymentGateways: true },
    timeoutSeconds: 15,
  },
  relayPayments: {
    description: 'Every minute: deliver outbox events (confirm paid reservations; refund when the hold had lapsed).',
    trigger: { kind: 'schedule', everyMinutes: 1 },
    uses: confirms,
    timeoutSeconds: 60,
  },
  reconcilePayments: {
    description:
      'Every 5 minutes: settle payments a crash left processing, asking the gateways by our idempotency key; retry hold captures, voids and releases left processing or failed.',
    trigger: { kind: 'schedule', everyMinutes: 5 },
    uses: confirms,
    timeoutSeconds: 120,
  },
  refundCancellations: {
    description:
      'ReservationCancelled and ReservationNoShow events (SNS -> SQS): refund what the policy gives back (paid now), or capture what it keeps from the rental authorisation (paid at pick-up); once per reservation.',
    trigger: { kind: 'queue', queue: 'paymentEvents', batchSize: 10 },
    uses: { database: true, paymentGateways: true },
    timeoutSeconds: 30,
  },
} satisfies Record<string, AreaCapability>;
