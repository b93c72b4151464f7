import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { reservationStore } from '../../adapters/bookings';
import { holdStore, paymentStore } from '../../adapters/payments/store';
import { paymentRoutes as routes } from '../../api/routes/payments';
import type { Payment, Refund } from '../../domain/payments/ports';
import { paymentFor, reservationMoney, reservationPayments } from '../../domain/payments/queries';
import { byVersion, httpHandler } from '../../http/handler';
import { actorOf } from '../../http/principal';
import { presentHold, presentPayment, presentRefund } from './presenter';

const deps = { payments: paymentStore(), reservations: reservationStore(), holds: holdStore() };

const one = httpHandler(routes.getPayment, async ({ params, principal }) => ({
  body: presentPayment(await paymentFor(deps, actorOf(principal), params.paymentId)),
}));

/** Payments and refunds as listed, each refund in its payment's currency. */
const presentListed = ({ payments, refunds }: { payments: Payment[]; refunds: Refund[] }) => {
  const currencyOf = new Map(payments.map((p) => [p.paymentId, p.currency]));
  return { payments: payments.map(presentPayment), refunds: refunds.map((r) => presentRefund(r, currencyOf.get(r.paymentId) ?? 'USD')) };
};

const ofReservation = byVersion({
  v1: httpHandler(routes.listReservationPayments, async ({ params, principal }) => ({
    body: presentListed(await reservationPayments(deps, actorOf(principal), params.reservationId)),
  })),
  v2: httpHandler(routes.listReservationPaymentsV2, async ({ params, principal }) => {
    const money = await reservationMoney(deps, actorOf(principal), params.reservationId);
    return { body: { ...presentListed(money), authorisations: money.holds.map(presentHold) } };
  }),
});

/** One function serves both read routes; API Gateway's resource says which. */
export const handler = (event: APIGatewayProxyEvent, context: Context) =>
  (event.resource === routes.listReservationPayments.path ? ofReservation : one)(event, context);
