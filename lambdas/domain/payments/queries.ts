import { notFound } from '../../shared/errors';
import type { Actor } from '../bookings/lifecycle';
import type { Authorisation, HoldOperation, HoldStore } from './hold-ports';
import type { Payment, PaymentDeps, PaymentStore, Refund, ReservationReader } from './ports';

/** A payment for its payer or an admin; 404 for anyone else, so ids cannot be probed. */
export const paymentFor = async (deps: Pick<PaymentDeps, 'payments'>, actor: Actor, paymentId: string): Promise<Payment> => {
  const payment = await deps.payments.get(paymentId);
  if (!payment || (!actor.isAdmin && payment.userId !== actor.userId)) throw notFound(`Payment ${paymentId}`);
  return payment;
};

/** The payments and refunds of a reservation its owner (or an admin) may see. */
export const reservationPayments = async (
  deps: { payments: Pick<PaymentStore, 'byReservation'>; reservations: ReservationReader },
  actor: Actor,
  reservationId: string,
): Promise<{ payments: Payment[]; refunds: Refund[] }> => {
  const reservation = await deps.reservations.get(reservationId);
  if (!reservation || (!actor.isAdmin && reservation.userId !== actor.userId)) throw notFound(`Reservation ${reservationId}`);
  return deps.payments.byReservation(reservationId);
};

/** A hold as its reservation's money shows it: the authorisation and what ended it (capture, void, release). */
export interface HoldRecord extends Authorisation {
  operations: HoldOperation[];
}

/**
 * v2's money of a reservation: its payments and refunds, and its holds (a pay-at-pick-up authorisation,
 * the security deposit), each with its operations. v1's listing stays payments and refunds.
 */
export const reservationMoney = async (
  deps: Parameters<typeof reservationPayments>[0] & { holds: Pick<HoldStore, 'authorisationsOf' | 'operationsOf'> },
  actor: Actor,
  reservationId: string,
): Promise<{ payments: Payment[]; refunds: Refund[]; holds: HoldRecord[] }> => {
  const listed = await reservationPayments(deps, actor, reservationId);
  const [authorisations, operations] = await Promise.all([
    deps.holds.authorisationsOf(reservationId),
    deps.holds.operationsOf(reservationId),
  ]);
  const holds = authorisations.map((a) => ({ ...a, operations: operations.filter((o) => o.authorisationId === a.authorisationId) }));
  return { ...listed, holds };
};
