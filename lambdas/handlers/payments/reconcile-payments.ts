import { randomUUID } from 'node:crypto';
import { confirmingPaymentDeps } from '../../adapters/payments/reservations';
import { holdStore } from '../../adapters/payments/store';
import { reconcileHolds, reconcilePayments } from '../../domain/payments/reconcile';
import { clock } from '../../shared/clock';
import { scheduleHandler } from '../../workers/schedule-handler';

const deps = confirmingPaymentDeps();
const holdDeps = { holds: holdStore(), gateways: deps.gateways, clock, newId: randomUUID };

export const handler = scheduleHandler('reconcilePayments', async () => ({
  ...(await reconcilePayments(deps)),
  holds: await reconcileHolds(holdDeps),
}));
