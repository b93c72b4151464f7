import { randomUUID } from 'node:crypto';
import { rentalLimits } from '../../domain/bookings/limits';
import type { QuoteDeps } from '../../domain/quotes/make-quote';
import { rentalSales, type RentalSales } from '../../domain/quotes/sales';
import { clock } from '../../shared/clock';
import { tableName } from '../../shared/config';
import { accountProfiles } from '../accounts/profiles';
import { documentClient } from '../dynamodb';
import { pricingRules } from '../pricing';
import { DynamoQuoteStore } from './quote-store';

/** The quote store (in the reservations table), built once per function instance. */
let quotes: DynamoQuoteStore | undefined;
export const quoteStore = (): DynamoQuoteStore => (quotes ??= new DynamoQuoteStore(documentClient(), tableName('reservations')));

/**
 * What pricing a rental needs: the rules (cars table), the quotes, the customer's profile (users table),
 * and the same limits booking checks the times with, so a quote is never issued for times booking refuses.
 */
export const quoteDeps = (): QuoteDeps => ({
  pricing: pricingRules(),
  quotes: quoteStore(),
  profiles: accountProfiles(),
  clock,
  newId: randomUUID,
  limits: rentalLimits,
});

/** v2 booking's and changes' sales rules (domain/quotes/sales.ts) on those. */
export const rentalSalesFromEnvironment = (): RentalSales => rentalSales(quoteDeps());
