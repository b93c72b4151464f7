import { randomUUID } from 'node:crypto';
import { paymentGateways } from '../../adapters/payments';
import { paymentStore } from '../../adapters/payments/store';
import { paymentRoutes as routes } from '../../api/routes/payments';
import { adminRefund } from '../../domain/payments/refunds';
import { httpHandler } from '../../http/handler';
import { presentRefund } from './presenter';
import { clock } from '../../shared/clock';

const deps = { payments: paymentStore(), gateways: paymentGateways(), clock, newId: randomUUID };

export const handler = httpHandler(routes.refundPayment, async ({ params, body, headers, principal }) => ({
  status: 201,
  // Without a key every request is a new refund (still never more than what is left).
  body: await adminRefund(deps, params.paymentId, body.amount, body.reason, {
    adminId: principal?.userId ?? '',
    idempotencyKey: headers['idempotency-key'] ?? randomUUID(),
  }).then(({ refund, currency }) => presentRefund(refund, currency)),
}));
