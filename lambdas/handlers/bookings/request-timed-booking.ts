import { quoteStore, rentalSalesFromEnvironment } from '../../adapters/quotes';
import { routes } from '../../api/routes';
import { validationError } from '../../shared/errors';
import { bookingHandler } from './book';

// Quotes live in the reservations table, which this function writes already; pricing in the cars table.
const quotes = quoteStore();
const sales = rentalSalesFromEnvironment();

/** v2: a car from a time to a time, local at its location; or a quote of it, at the quote's price. */
export const handler = bookingHandler(
  routes.requestTimedBooking,
  (body) => {
    const { carId, pickupAt, returnAt, quoteId, paymentOption } = body;
    // How it is paid goes with either form (a quote's price, or the car's at these times).
    const paid = paymentOption ? { paymentOption } : {};
    if (quoteId !== undefined) {
      const extra = (['carId', 'pickupAt', 'returnAt'] as const).filter((f) => body[f] !== undefined);
      if (extra.length)
        throw validationError(extra.map((f) => ({ field: `body.${f}`, message: 'Comes from the quote: leave it out with quoteId.' })));
      return { quoteId, ...paid };
    }
    const missing = (['carId', 'pickupAt', 'returnAt'] as const).filter((f) => body[f] === undefined);
    if (missing.length)
      throw validationError(missing.map((f) => ({ field: `body.${f}`, message: 'Required (or book a quote: quoteId).' })));
    return { carId, times: { pickupAt: pickupAt!, returnAt: returnAt! }, ...paid };
  },
  { quotes, sales },
);
