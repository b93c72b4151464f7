import { verifyIdToken } from '../../adapters/id-tokens';
import { quoteDeps } from '../../adapters/quotes';
import { quoteRoutes as routes } from '../../api/routes/quotes';
import { makeQuote } from '../../domain/quotes/make-quote';
import { httpHandler } from '../../http/handler';
import { presentQuote } from './presenter';

const deps = quoteDeps();

/** v2: price a rental and store the quote; 201 with its Location. */
export const handler = httpHandler(
  routes.makeQuote,
  async ({ body, principal, version }) => {
    const quote = await makeQuote(deps, principal && { userId: principal.userId }, body);
    return { status: 201, body: presentQuote(quote), headers: { location: `/${version}/quotes/${quote.quoteId}` } };
  },
  { verifyToken: verifyIdToken },
);
