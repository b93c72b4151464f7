import { reservationStore } from '../../adapters/bookings';
import { carRepository } from '../../adapters/fleet';
import { rentalPhotoKeys } from '../../adapters/counter/rental-photos';
import { bookingNotifier } from '../../adapters/notifications';
import { counterMoneyFromEnvironment } from '../../adapters/payments/counter-money';
import { fleetCache } from '../../adapters/redis-backed';
import type { CounterDeps } from '../../domain/counter/handover';
import { clock } from '../../shared/clock';

/** What the counter's two functions use: the reservations and cars, the location's searches, the customer's emails, the holds, and the rental photos' keys. */
export const counterDeps = (): CounterDeps => ({
  reservations: reservationStore(),
  cars: carRepository(),
  cache: fleetCache(),
  notifier: bookingNotifier(),
  clock,
  money: counterMoneyFromEnvironment(),
  photos: rentalPhotoKeys(),
});
