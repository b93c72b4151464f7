import { randomUUID } from 'node:crypto';
import { CircuitBreakingRouter } from '../../lambdas/adapters/payments/gateways/router';
import { SandboxGateway } from '../../lambdas/adapters/payments/gateways/sandbox-gateway';
import { PostgresHoldStore } from '../../lambdas/adapters/payments/postgres-hold-store';
import { PostgresPaymentStore } from '../../lambdas/adapters/payments/postgres-payment-store';
import type { Reservation } from '../../lambdas/domain/bookings/reservation';
import type { PaymentDeps } from '../../lambdas/domain/payments/ports';
import type { PaymentsTestDatabase } from './payments-database';

/**
 * Payments on a test database (PostgreSQL or PGlite) with the sandbox gateway, and the booking side as a
 * map of reservations (its confirm: Pending with a live hold -> Confirmed).
 */
export const paymentTestDeps = (
  db: () => PaymentsTestDatabase,
  reservations: Map<string, Reservation>,
  sandbox = new SandboxGateway(),
): PaymentDeps & { sandbox: SandboxGateway } => ({
  payments: new PostgresPaymentStore(async () => db().pool()),
  holds: new PostgresHoldStore(async () => db().pool()),
  reservations: {
    get: async (id) => reservations.get(id),
    confirm: async (id) => {
      const r = reservations.get(id);
      if (r?.status !== 'Pending' || (r.holdExpiresAt ?? 0) < Date.now()) return false;
      reservations.set(id, { ...r, status: 'Confirmed' });
      return true;
    },
  },
  gateways: new CircuitBreakingRouter([sandbox], { timeoutMs: 2_000 }),
  notices: { refundedLate: async () => undefined },
  clock: { now: () => new Date() },
  newId: () => randomUUID(),
  sandbox,
});
