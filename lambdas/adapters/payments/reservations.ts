import { confirmReservation } from '../../domain/bookings/lifecycle';
import type { PaymentNotices, Reservations } from '../../domain/payments/ports';
import { clock } from '../../shared/clock';
import { reservationStore } from '../bookings';
import { bookingNotifier } from '../notifications';
import { fleetCache } from '../redis-backed';

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
