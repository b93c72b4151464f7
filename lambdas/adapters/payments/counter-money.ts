import { randomUUID } from 'node:crypto';
import type { CounterMoney } from '../../domain/counter/ports';
import { counterMoney } from '../../domain/payments/counter-money';
import { clock } from '../../shared/clock';
import { paymentGateways } from '.';
import { holdStore, paymentStore } from './store';

/**
 * The counter's money for the pick-up and return functions: holds and payments in PostgreSQL, the
 * deployment's gateways. Their capability needs `database: true` and `paymentGateways: true`.
 */
export const counterMoneyFromEnvironment = (): CounterMoney =>
  counterMoney({ holds: holdStore(), payments: paymentStore(), gateways: paymentGateways(), clock, newId: randomUUID });
