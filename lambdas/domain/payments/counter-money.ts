import { createHash } from 'node:crypto';
import { AppError, conflict, validationError } from '../../shared/errors';
import type { Reservation, ReturnSettlement } from '../bookings/reservation';
import type { CounterMoney, PaymentSource } from '../counter/ports';
import type { Authorisation, HoldDeps } from './hold-ports';
import { authorise, capture, releaseDeposit, voidAuthorisation } from './holds';
import type { PaymentStore } from './ports';
import { paidNetMinor } from './paid';

/**
 * The counter's money (domain/counter/ports.ts) on the holds (holds.ts). Every step's key is the
 * reservation's own, so a retried pick-up or return, or two agents at once, get one outcome:
 *
 * - the deposit: `pickup-deposit:<card>` (the card's digest: a declined card replays its decline, and
 *   another card may follow it); a pick-up that finds the deposit already authorised reuses it;
 * - the rental of a pay-at-pick-up reservation, captured in full: `pickup-rental`;
 * - the deposit voided (capture refused, or the pick-up undone): `pickup-deposit-void`;
 * - the deposit's end at the return: `return-deposit` (capturing up to the charges), and
 *   `return-deposit-release` when the gateway refused that capture (released with nothing taken).
 */
export interface CounterMoneyDeps extends HoldDeps {
  /** What a pay-now rental was paid (its succeeded payment, less refunds). */
  payments: Pick<PaymentStore, 'byReservation'>;
}

const KEYS = {
  rental: 'pickup-rental',
  depositVoid: 'pickup-deposit-void',
  returnDeposit: 'return-deposit',
  returnRelease: 'return-deposit-release',
} as const;

const depositKey = (amountMinor: number, source: PaymentSource) =>
  `pickup-deposit:${createHash('sha256')
    .update(JSON.stringify([amountMinor, source.paymentMethod, source.details]))
    .digest('base64url')
    .slice(0, 22)}`;

/** Holds a step of the counter may still act on, or that ended by one (not declined, failed or in flight). */
const ENDED_OR_HELD = new Set<Authorisation['status']>(['authorised', 'captured', 'partially_captured', 'voided', 'expired']);

const isKind = (err: unknown, kind: AppError['kind'], code?: string) =>
  err instanceof AppError && err.kind === kind && (code === undefined || err.code === code);

export const counterMoney = (deps: CounterMoneyDeps): CounterMoney => {
  const holdsOf = async (reservationId: string, kind: Authorisation['kind']) =>
    (await deps.holds.authorisationsOf(reservationId)).filter((a) => a.kind === kind);

  /** The deposit of this pick-up: the live one, else the last one a step ended. */
  const depositOf = async (reservationId: string) => {
    const deposits = (await holdsOf(reservationId, 'deposit')).filter((a) => ENDED_OR_HELD.has(a.status));
    return deposits.find((a) => a.status === 'authorised') ?? deposits.at(-1);
  };

  /** The rental's hold (pay at pick-up): the authorised one, else the one a step ended. */
  const rentalHoldOf = async (reservationId: string) => {
    const rentals = (await holdsOf(reservationId, 'rental')).filter((a) => ENDED_OR_HELD.has(a.status));
    return rentals.find((a) => a.status === 'authorised') ?? rentals.at(-1);
  };

  const voidDeposit = async (reservationId: string) => {
    const deposit = (await holdsOf(reservationId, 'deposit')).find((a) => a.status === 'authorised');
    if (deposit) await voidAuthorisation(deps, deposit.authorisationId, KEYS.depositVoid);
  };

  const authoriseDeposit = async (reservation: Reservation, amountMinor: number, source?: PaymentSource) => {
    if (amountMinor <= 0) return undefined;
    if (!source)
      throw validationError([{ field: 'body.deposit', message: `A payment source for the ${amountMinor} deposit is required.` }]);
    // A retried pick-up (or a second agent's) finds the deposit the first one authorised, whatever card it names.
    const live = (await holdsOf(reservation.reservationId, 'deposit')).find((a) => a.status === 'authorised');
    if (live) return live;
    return authorise(deps, {
      reservation,
      amountMinor,
      currency: reservation.price.currency,
      kind: 'deposit',
      source,
      idempotencyKey: depositKey(amountMinor, source),
    });
  };

  /** The rental's hold is authorised, or was captured: a conflict over it is a race, not a lost hold. */
  const rentalStillHeld = async (reservationId: string) => {
    const status = (await rentalHoldOf(reservationId))?.status;
    return status === 'authorised' || status === 'captured';
  };

  /** Captures what the rental's authorisation covers of its total: all of it, less what payments took (a change paid now, bookings/change.ts). */
  const captureRental = async (reservation: Reservation) => {
    const hold = await rentalHoldOf(reservation.reservationId);
    if (!hold) throw conflict('This pay-at-pick-up reservation has no authorisation to capture.', { status: reservation.status });
    const { payments } = await deps.payments.byReservation(reservation.reservationId);
    const takeMinor = Math.min(hold.amountMinor, reservation.price.totalMinor - paidNetMinor(payments));
    if (takeMinor <= 0) return voidAuthorisation(deps, hold.authorisationId, KEYS.rental);
    return capture(deps, hold.authorisationId, KEYS.rental, takeMinor);
  };

  return {
    async pickup(reservation, deposit) {
      const held = await authoriseDeposit(reservation, deposit.amountMinor, deposit.source);
      if (reservation.paymentOption === 'payAtPickup') {
        try {
          await captureRental(reservation);
        } catch (err) {
          // The rental cannot be taken (refused, the hold lapsed or gone): no pick-up, so no deposit either.
          // A 503, or a capture in progress (another agent's pick-up), leaves both: a retry goes on with the same keys.
          if (isKind(err, 'PAYMENT_DECLINED') || (isKind(err, 'CONFLICT') && !(await rentalStillHeld(reservation.reservationId))))
            await voidDeposit(reservation.reservationId);
          throw err;
        }
      }
      if (held && held.status !== 'authorised') {
        // The deposit this card gave was voided (a refused capture, or an undone pick-up): not held now.
        throw conflict('The deposit authorised on this card for this pick-up was released; take the deposit on another card.', {
          authorisationId: held.authorisationId,
          status: held.status,
        });
      }
      return held ? { depositAuthorisationId: held.authorisationId } : {};
    },

    async undoPickup(reservation) {
      // A reservation Active by another agent's pick-up (the same deposit, replayed) keeps its deposit.
      if (reservation.status === 'Active') return;
      await voidDeposit(reservation.reservationId);
    },

    async settleReturn(reservation, chargesMinor) {
      const paidMinor = await paidFor(deps, reservation);
      const deposit = await depositOf(reservation.reservationId);
      if (!deposit) return { paidMinor, chargesMinor, chargedNowMinor: 0, releasedMinor: 0, outstandingMinor: chargesMinor };
      const takeMinor = Math.min(chargesMinor, deposit.amountMinor);
      const settled = (chargedNowMinor: number, releasedMinor: number): ReturnSettlement => ({
        paidMinor,
        chargesMinor,
        chargedNowMinor,
        releasedMinor,
        outstandingMinor: chargesMinor - chargedNowMinor,
      });
      try {
        const { authorisation } = await releaseDeposit(deps, deposit.authorisationId, KEYS.returnDeposit, takeMinor);
        // Ended before the return (voided, lapsed): nothing taken; what was held is not any more.
        return settled(authorisation.capturedMinor, authorisation.amountMinor - authorisation.capturedMinor);
      } catch (err) {
        // The gateway cannot be reached: the release is recorded (failed) and the reconciler carries it
        // out as recorded, so the settlement says what it will do: take `takeMinor`, release the rest.
        if (isKind(err, 'DEPENDENCY_UNAVAILABLE')) return settled(takeMinor, deposit.amountMinor - takeMinor);
        if (!isKind(err, 'PAYMENT_DECLINED', 'CAPTURE_FAILED')) throw err;
      }
      // The card refused the charges: the deposit is released whole and the charges are owed.
      try {
        await releaseDeposit(deps, deposit.authorisationId, KEYS.returnRelease, 0);
      } catch (err) {
        if (!isKind(err, 'DEPENDENCY_UNAVAILABLE')) throw err;
      }
      return settled(0, deposit.amountMinor);
    },
  };
};

/**
 * What the rental was paid: its payments less their refunds (the booking's and its changes'), and a
 * pay-at-pick-up rental's captured authorisation.
 */
const paidFor = async (deps: CounterMoneyDeps, reservation: Reservation): Promise<number> => {
  const { payments } = await deps.payments.byReservation(reservation.reservationId);
  if (reservation.paymentOption !== 'payAtPickup') return paidNetMinor(payments);
  const rentals = (await deps.holds.authorisationsOf(reservation.reservationId)).filter((a) => a.kind === 'rental');
  return paidNetMinor(payments) + rentals.reduce((sum, a) => sum + a.capturedMinor, 0);
};
