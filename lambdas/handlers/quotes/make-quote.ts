import { randomUUID } from 'node:crypto';
import { accountProfiles } from '../../adapters/accounts/profiles';
import { verifyIdToken } from '../../adapters/id-tokens';
import { pricingRules } from '../../adapters/pricing';
import { quoteStore } from '../../adapters/quotes';
import { quoteRoutes as routes } from '../../api/routes/quotes';
import { rentalLimits } from '../../domain/bookings/limits';
import { makeQuote, type QuoteDeps } from '../../domain/quotes/make-quote';
import { httpHandler } from '../../http/handler';
import { clock } from '../../shared/clock';
import { presentQuote } from './presenter';

const deps: QuoteDeps = {
  pricing: pricingRules(),
  quotes: quoteStore(),
  profiles: accountProfiles(),
  clock,
  newId: randomUUID,
  // The same limits booking checks the times with, so a quote is never issued for times booking refuses.
  limits: rentalLimits,
};

/** v2: price a rental and store the quote; 201 with its Location. */
export const handler = httpHandler(
  routes.makeQuote,
  async ({ body, principal, version }) => {
    const quote = await makeQuote(deps, principal && { userId: principal.userId }, body);
    return { status: 201, body: presentQuote(quote), headers: { location: `/${version}/quotes/${quote.quoteId}` } };
  },
  { verifyToken: verifyIdToken },
);
