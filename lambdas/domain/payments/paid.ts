import type { Authorisation } from './hold-ports';
import type { Payment } from './ports';

/** What a reservation's money is, summed: small on purpose, so the counter's functions can read it without the payment flows. */

/** What the payments have taken and kept: succeeded payments less their refunds. */
export const paidNetMinor = (payments: readonly Payment[]): number =>
  payments.filter((p) => p.status === 'succeeded').reduce((sum, p) => sum + p.amountMinor - p.refundedMinor, 0);

/**
 * What a pay-at-pick-up rental's authorisation covers of its total, from its `rental` holds: held (before
 * the pick-up) or taken (captured at it). A rental paid now has none: nothing.
 */
export const coveredByHoldMinor = (rentals: readonly Authorisation[]): number => {
  const held = rentals.find((a) => a.status === 'authorised');
  return held ? held.amountMinor : rentals.reduce((sum, a) => sum + a.capturedMinor, 0);
};
