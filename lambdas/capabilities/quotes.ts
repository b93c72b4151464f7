import type { AreaCapability } from './definition';

/**
 * Quotes (v2): one function prices and stores them (reading the car's and location's pricing in the cars
 * table and a signed-in customer's date of birth in the users table), one reads them back. Both verify a
 * bearer token themselves when one is sent: their routes are open to anonymous callers.
 */
export const quoteCapabilities = {
  makeQuote: {
    description: 'Anyone (v2): price a rental line by line and store the quote (15 minutes valid).',
    uses: { tables: { cars: 'read', users: 'read', reservations: 'write' }, idTokens: true },
  },
  getQuote: {
    description: 'The quote’s customer, or anyone for an anonymous quote (v2): a quote as issued.',
    uses: { tables: { reservations: 'read' }, idTokens: true },
  },
} satisfies Record<string, AreaCapability>;
