import { confirmingPaymentDeps } from '../../adapters/payments/reservations';
import { deliverEvents } from '../../domain/payments/relay';
import { scheduleHandler } from '../../workers/schedule-handler';

const deps = confirmingPaymentDeps();

export const handler = scheduleHandler('relayPayments', () => deliverEvents(deps));
