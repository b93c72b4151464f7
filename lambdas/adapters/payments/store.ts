import { postgresPool } from '../postgres';
import { PostgresPaymentStore } from './postgres-payment-store';

/** Payments in PostgreSQL, one store per function instance. */
let store: PostgresPaymentStore | undefined;
export const paymentStore = (): PostgresPaymentStore => (store ??= new PostgresPaymentStore(postgresPool));
