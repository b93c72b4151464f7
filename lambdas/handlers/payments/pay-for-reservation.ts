import { confirmingPaymentDeps } from '../../adapters/payments/reservations';
import { paymentRoutes as routes } from '../../api/routes/payments';
import { pay } from '../../domain/payments/pay';
import { httpHandler } from '../../http/handler';
import { actorOf } from '../../http/principal';

const deps = confirmingPaymentDeps();

export const handler = httpHandler(routes.payForReservation, async ({ body, headers, principal }) => {
  const answer = await pay(deps, {
    userId: actorOf(principal).userId,
    idempotencyKey: headers['idempotency-key'],
    reservationId: body.reservationId,
    amount: body.amount,
    paymentMethod: body.paymentMethod,
    details: body.details,
  });
  return { status: answer.status, body: answer.body, headers: { 'cache-control': 'no-store' } };
});
