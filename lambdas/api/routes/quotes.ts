import { QuoteBody, QuoteIdParams, QuoteView } from '../quote-schemas';
import { defineRoute } from '../route';
import { DEFAULT_THROTTLE } from './throttle';

const tag = 'Quotes';

/**
 * Quotes (v2): a rental priced line by line, stored for 15 minutes so booking charges what was shown.
 * Anyone may ask for one; a signed-in customer's is priced for their profile's age and is theirs alone.
 */
export const quoteRoutes = {
  makeQuote: defineRoute({
    operationId: 'makeQuote',
    method: 'POST',
    path: '/quotes',
    versions: ['v2'],
    capability: 'makeQuote',
    access: 'optional',
    summary:
      'Price a rental line by line (rates, discounts, season, weekend, one-way, extras, young driver, fees, taxes): valid 15 minutes, booked with POST /v2/reservations { quoteId }',
    tag,
    request: { body: QuoteBody },
    responses: { 201: { description: 'The quote; its Location is /v2/quotes/{quoteId}', schema: QuoteView } },
    errors: [404, 422],
    throttle: { rateLimit: 200, burstLimit: 400 },
  }),
  getQuote: defineRoute({
    operationId: 'getQuote',
    method: 'GET',
    path: '/quotes/{quoteId}',
    versions: ['v2'],
    capability: 'getQuote',
    access: 'optional',
    summary: 'A quote as issued: yours, or any made anonymously (someone else’s is a 404)',
    tag,
    request: { params: QuoteIdParams },
    responses: { 200: { description: 'The quote (shown until a day after it expires)', schema: QuoteView } },
    errors: [404],
    throttle: DEFAULT_THROTTLE,
  }),
};
