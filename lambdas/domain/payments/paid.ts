import type { Reservation } from '../bookings/reservation';
import type { HoldStore } from './hold-ports';
import type { Payment } from './ports';

/** What a reservation's money is, summed: small on purpose, so the counter's functions can read it without the payment flows. */

/** What the payments have taken and kept: succeeded payments less their refunds. */
export const paidNetMinor = (payments: readonly Payment[]): number =>
  payments.filter((p) => p.status === 'succeeded').reduce((sum, p) => sum + p.amountMinor - p.refundedMinor, 0);

/**
 * What a pay-at-pick-up rental's authorisation covers of its total: held (before the pick-up) or taken
 * (captured at it). Nothing for a rental paid now.
 */
export const coveredByHoldMinor = async (deps: { holds: Pick<HoldStore, 'authorisationsOf'> }, r: Reservation): Promise<number> => {
  if (r.paymentOption !== 'payAtPickup') return 0;
  const rentals = (await deps.holds.authorisationsOf(r.reservationId)).filter((a) => a.kind === 'rental');
  const held = rentals.find((a) => a.status === 'authorised');
  return held ? held.amountMinor : rentals.reduce((sum, a) => sum + a.capturedMinor, 0);
};
