import { postgresPool } from '../postgres';
import { PostgresHoldStore } from './postgres-hold-store';
import { PostgresPaymentStore } from './postgres-payment-store';

/** Payments in PostgreSQL, one store per function instance. */
let store: PostgresPaymentStore | undefined;
export const paymentStore = (): PostgresPaymentStore => (store ??= new PostgresPaymentStore(postgresPool));

let holds: PostgresHoldStore | undefined;
/** Holds (authorisations for pay at pick-up and deposits) in the same database. */
export const holdStore = (): PostgresHoldStore => (holds ??= new PostgresHoldStore(postgresPool));
