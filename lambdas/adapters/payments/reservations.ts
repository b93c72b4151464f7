import { confirmReservation } from '../../domain/bookings/lifecycle';
import { randomUUID } from 'node:crypto';
import type { PaymentDeps, PaymentNotices, Reservations } from '../../domain/payments/ports';
import { clock } from '../../shared/clock';
import { reservationStore } from '../bookings';
import { bookingNotifier } from '../notifications';
import { fleetCache } from '../redis-backed';
import { paymentGateways } from '.';
import { holdStore, paymentStore } from './store';

/** The booking side payments changes: confirming a paid reservation (the booking tables, the search cache, the notifier). */
export const confirmingReservations = (): Reservations => {
  const lifecycle = { reservations: reservationStore(), cache: fleetCache(), notifier: bookingNotifier(), clock };
  return { get: (id) => lifecycle.reservations.get(id), confirm: (id) => confirmReservation(lifecycle, id) };
};

/** Tells the customer when a payment that outlived its hold was refunded. */
export const paymentNotices = (): PaymentNotices => ({
  refundedLate: (reservation, amountMinor) =>
    bookingNotifier().publish({
      type: 'LatePaymentRefunded',
      reservation: { ...reservation, refund: { percent: 100, amountMinor } },
      at: clock.now().toISOString(),
    }),
});

/** Everything a payment that confirms its reservation needs (the payment itself, and the relay). */
export const confirmingPaymentDeps = (): PaymentDeps => ({
  payments: paymentStore(),
  holds: holdStore(),
  reservations: confirmingReservations(),
  gateways: paymentGateways(),
  notices: paymentNotices(),
  clock,
  newId: randomUUID,
});
