import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { reservationStore } from '../../adapters/bookings';
import { paymentStore } from '../../adapters/payments/store';
import { paymentRoutes as routes } from '../../api/routes/payments';
import { paymentFor, reservationPayments } from '../../domain/payments/queries';
import { httpHandler } from '../../http/handler';
import { actorOf } from '../../http/principal';
import { presentPayment, presentRefund } from './presenter';

const deps = { payments: paymentStore(), reservations: reservationStore() };

const one = httpHandler(routes.getPayment, async ({ params, principal }) => ({
  body: presentPayment(await paymentFor(deps, actorOf(principal), params.paymentId)),
}));

const ofReservation = httpHandler(routes.listReservationPayments, async ({ params, principal }) => {
  const { payments, refunds } = await reservationPayments(deps, actorOf(principal), params.reservationId);
  const currencyOf = new Map(payments.map((p) => [p.paymentId, p.currency]));
  return {
    body: { payments: payments.map(presentPayment), refunds: refunds.map((r) => presentRefund(r, currencyOf.get(r.paymentId) ?? 'USD')) },
  };
});

/** One function serves both read routes; API Gateway's resource says which. */
export const handler = (event: APIGatewayProxyEvent, context: Context) =>
  (event.resource === routes.listReservationPayments.path ? ofReservation : one)(event, context);
