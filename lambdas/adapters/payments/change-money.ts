import { randomUUID } from 'node:crypto';
import type { ChangeMoney } from '../../domain/bookings/change';
import { changeMoney } from '../../domain/payments/change-money';
import { clock } from '../../shared/clock';
import { postgresPool } from '../postgres';
import { paymentGateways } from '.';
import { authorisationsOf } from './postgres-hold-store';
import { paymentStore } from './store';

/**
 * A change's money for the change function: payments and refunds in PostgreSQL (holds only read), the
 * deployment's gateways. Its capability needs `database: true` and `paymentGateways: true`.
 */
export const changeMoneyFromEnvironment = (): ChangeMoney =>
  changeMoney({
    payments: paymentStore(),
    holds: { authorisationsOf: (reservationId) => authorisationsOf(postgresPool, reservationId) },
    gateways: paymentGateways(),
    clock,
    newId: randomUUID,
  });
