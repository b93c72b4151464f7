import type { Reservation, ReturnSettlement } from '../bookings/reservation';
import type { PaymentSource } from '../money';

export type { PaymentSource };

/**
 * The money of the counter, as the pick-up and the return need it (the payments capability implements it
 * on its holds: domain/payments/holds.ts). Every step is once-only per reservation: the keys are the
 * reservation's own (`pickup-deposit`, `pickup-rental`, `return-deposit`), so a retried pick-up or
 * return replays what the first attempt did, and two agents at once get one outcome. Errors are the
 * holds' (422 PAYMENT_DECLINED with a code, 409, 503).
 */
export interface CounterMoney {
  /**
   * The pick-up's money: authorises the security deposit (`depositMinor`, none when 0) on the source the
   * agent took, then, for a pay-at-pick-up rental, captures the rental's authorisation in full. A capture
   * refused leaves the deposit authorised (voided by `undoPickup`) and throws.
   */
  pickup(reservation: Reservation, deposit: { amountMinor: number; source?: PaymentSource }): Promise<{ depositAuthorisationId?: string }>;
  /** The pick-up did not happen after its money did (the reservation moved on meanwhile): voids its deposit. */
  undoPickup(reservation: Reservation): Promise<void>;
  /**
   * The return's money: ends the deposit, capturing up to `chargesMinor` of it and releasing the rest;
   * says what the rental was paid and what is still owed. A release the gateway cannot take now is
   * retried by the reconciler.
   */
  settleReturn(reservation: Reservation, chargesMinor: number): Promise<ReturnSettlement>;
}
