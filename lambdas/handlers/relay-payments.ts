import { paymentDeps } from '../adapters/payments';
import { deliverEvents } from '../domain/payments/relay';
import { scheduleHandler } from '../workers/schedule-handler';

const deps = paymentDeps();

export const handler = scheduleHandler('relayPayments', () => deliverEvents(deps));
