import { tableName } from '../../shared/config';
import { documentClient } from '../dynamodb';
import { DynamoQuoteStore } from './quote-store';

/** The quote store (in the reservations table), built once per function instance. */
let quotes: DynamoQuoteStore | undefined;
export const quoteStore = (): DynamoQuoteStore => (quotes ??= new DynamoQuoteStore(documentClient(), tableName('reservations')));
