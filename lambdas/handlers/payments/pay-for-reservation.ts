import { confirmingPaymentDeps } from '../../adapters/payments/reservations';
import { payRoutes as routes } from '../../api/routes/pay';
import { pay, type PaymentRequest } from '../../domain/payments/pay';
import { byVersion, httpHandler, type Reply } from '../../http/handler';
import { actorOf, type Principal } from '../../http/principal';

const deps = confirmingPaymentDeps();

type Asked = Omit<PaymentRequest, 'userId' | 'idempotencyKey'>;

const payAndAnswer = async (principal: Principal | undefined, idempotencyKey: string, asked: Asked): Promise<Reply> => {
  const answer = await pay(deps, { ...asked, userId: actorOf(principal).userId, idempotencyKey });
  return { status: answer.status, body: answer.body, headers: { 'cache-control': 'no-store' } };
};

/** One use case; v2's body may say the currency. */
export const handler = byVersion({
  v1: httpHandler(routes.payForReservation, ({ body, headers, principal }) => payAndAnswer(principal, headers['idempotency-key'], body)),
  // v2 also answers a pay-at-pick-up reservation's authorisation of its total.
  v2: httpHandler(routes.payForReservationV2, ({ body, headers, principal }) =>
    payAndAnswer(principal, headers['idempotency-key'], { ...body, authorises: true }),
  ),
});
