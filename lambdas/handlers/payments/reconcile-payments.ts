import { confirmingPaymentDeps } from '../../adapters/payments/reservations';
import { reconcilePayments } from '../../domain/payments/reconcile';
import { scheduleHandler } from '../../workers/schedule-handler';

const deps = confirmingPaymentDeps();

export const handler = scheduleHandler('reconcilePayments', () => reconcilePayments(deps));
