import { randomUUID } from 'node:crypto';
import { paymentGateways } from '../adapters/payments';
import { paymentStore } from '../adapters/payments/store';
import { confirmingReservations, paymentNotices } from '../adapters/payments/reservations';
import { deliverEvents } from '../domain/payments/relay';
import { scheduleHandler } from '../workers/schedule-handler';
import { clock } from '../shared/clock';

const deps = {
  payments: paymentStore(),
  reservations: confirmingReservations(),
  gateways: paymentGateways(),
  notices: paymentNotices(),
  clock,
  newId: randomUUID,
};

export const handler = scheduleHandler('relayPayments', () => deliverEvents(deps));
