import { extrasStock } from '../../adapters/bookings';
import { reservationChanges } from '../../adapters/bookings/changes';
import { carRepository } from '../../adapters/fleet';
import { bookingNotifier } from '../../adapters/notifications';
import { changeMoneyFromEnvironment } from '../../adapters/payments/change-money';
import { rentalSalesFromEnvironment } from '../../adapters/quotes';
import { fleetCache } from '../../adapters/redis-backed';
import { changeRoutes as routes } from '../../api/routes/changes';
import { changeReservation, type ChangeDeps } from '../../domain/bookings/change';
import { toDecimal } from '../../domain/money';
import { httpHandler } from '../../http/handler';
import { actorOf } from '../../http/principal';
import { clock } from '../../shared/clock';
import { presentReservationV2 } from './presenter';

const deps: ChangeDeps = {
  reservations: reservationChanges(),
  cars: carRepository(),
  stock: extrasStock(),
  cache: fleetCache(),
  notifier: bookingNotifier(),
  clock,
  sales: rentalSalesFromEnvironment(),
  money: changeMoneyFromEnvironment(),
};

export const handler = httpHandler(routes.changeReservation, async ({ params, principal, body }) => {
  const { reservation, chargedMinor, refundedMinor } = await changeReservation(deps, actorOf(principal), params.reservationId, body);
  const { currency } = reservation.price;
  return {
    body: {
      ...presentReservationV2(reservation),
      change: { charged: toDecimal(chargedMinor, currency), refunded: toDecimal(refundedMinor, currency) },
    },
  };
});
