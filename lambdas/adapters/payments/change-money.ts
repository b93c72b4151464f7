import type { ChangeMoney } from '../../domain/bookings/change';
import { changeMoney } from '../../domain/payments/change-money';
import { confirmingPaymentDeps } from './reservations';

/**
 * A change's money for the change function: payments and refunds in PostgreSQL, the deployment's
 * gateways. Its capability needs `database: true` and `paymentGateways: true`.
 */
export const changeMoneyFromEnvironment = (): ChangeMoney => changeMoney(confirmingPaymentDeps());
