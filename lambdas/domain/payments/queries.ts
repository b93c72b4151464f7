import { notFound } from '../../shared/errors';
import type { Actor } from '../bookings/lifecycle';
import type { Payment, PaymentDeps, Refund, ReservationReader } from './ports';

/** A payment for its payer or an admin; 404 for anyone else, so ids cannot be probed. */
export const paymentFor = async (deps: Pick<PaymentDeps, 'payments'>, actor: Actor, paymentId: string): Promise<Payment> => {
  const payment = await deps.payments.get(paymentId);
  if (!payment || (!actor.isAdmin && payment.userId !== actor.userId)) throw notFound(`Payment ${paymentId}`);
  return payment;
};

/** The payments and refunds of a reservation its owner (or an admin) may see. */
export const reservationPayments = async (
  deps: Pick<PaymentDeps, 'payments'> & { reservations: ReservationReader },
  actor: Actor,
  reservationId: string,
): Promise<{ payments: Payment[]; refunds: Refund[] }> => {
  const reservation = await deps.reservations.get(reservationId);
  if (!reservation || (!actor.isAdmin && reservation.userId !== actor.userId)) throw notFound(`Reservation ${reservationId}`);
  return deps.payments.byReservation(reservationId);
};
