import { verifyIdToken } from '../../adapters/id-tokens';
import { quoteStore } from '../../adapters/quotes';
import { quoteRoutes as routes } from '../../api/routes/quotes';
import { getQuote } from '../../domain/quotes/make-quote';
import { httpHandler } from '../../http/handler';
import { presentQuote } from './presenter';

const deps = { quotes: quoteStore() };

/** v2: a quote as issued, for its customer (or anyone, when it was made anonymously). */
export const handler = httpHandler(
  routes.getQuote,
  async ({ params, principal }) => ({
    body: presentQuote(await getQuote(deps, principal && { userId: principal.userId }, params.quoteId)),
  }),
  { verifyToken: verifyIdToken },
);
