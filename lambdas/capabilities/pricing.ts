import type { AreaCapability } from './definition';

/**
 * The pricing rules (v2): one function reads them for anyone, one replaces them for admins. Both keep
 * them in the cars table (a location's item, a car's rate card); only the writer needs Redis, to drop
 * the cached searches and car details its change makes stale.
 */
export const pricingCapabilities = {
  readPricing: {
    description: 'Public (v2): a location’s pricing rules and extras, and a car’s rates.',
    uses: { tables: { cars: 'read' } },
  },
  managePricing: {
    description: 'Admin (v2): replace a location’s pricing rules or extras, or a car’s own rates.',
    uses: { tables: { cars: 'readWrite' }, redis: true },
  },
} satisfies Record<string, AreaCapability>;
