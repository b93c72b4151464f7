import type { Clock } from '../../shared/clock';
import type { CurrencyCode, GatewayId, GatewayRouter } from './gateway';

/**
 * Holds: amounts authorised on the customer's card now and captured later. A `rental` hold is the
 * price of a pay-at-pick-up reservation (captured at pick-up); a `deposit` is the security deposit
 * (authorised at pick-up, released at return, or partly captured for the return's charges).
 */
export type HoldKind = 'rental' | 'deposit';

export type AuthorisationStatus =
  | 'processing'
  | 'authorised'
  | 'declined'
  /** All of it was taken. */
  | 'captured'
  /** Part of it was taken and the rest released (a capture ends the hold). */
  | 'partially_captured'
  /** Released with nothing taken. */
  | 'voided'
  /** The hold lapsed at the gateway before it was captured. */
  | 'expired'
  /** No gateway could be reached: nothing is held; a retry with the same key starts it again. */
  | 'failed';

export interface Authorisation {
  authorisationId: string;
  reservationId: string;
  userId: string;
  kind: HoldKind;
  amountMinor: number;
  capturedMinor: number;
  currency: CurrencyCode;
  /** The payment method (methods.ts), whose gateways were tried in order. */
  method: string;
  gateway?: GatewayId;
  gatewayReference?: string;
  status: AuthorisationStatus;
  declineReason?: string;
  expiresAt?: string;
  createdAt: string;
}

/** How v2's payment listing names each status (GET /v2/reservations/{id}/payments). */
export const AUTHORISATION_STATUS_LABELS = {
  processing: 'Processing',
  authorised: 'Authorised',
  declined: 'Declined',
  captured: 'Captured',
  partially_captured: 'PartiallyCaptured',
  voided: 'Voided',
  expired: 'Expired',
  failed: 'Failed',
} as const satisfies Record<AuthorisationStatus, string>;

export type HoldOperationKind = 'capture' | 'void' | 'release';

/** A capture, void or release of one authorisation; at most one per authorisation in flight or done. */
export interface HoldOperation {
  operationId: string;
  authorisationId: string;
  kind: HoldOperationKind;
  /** What is captured (0 for a void, and for a release that takes nothing). */
  amountMinor: number;
  /** `failed`: the gateway could not be reached (retried); `refused`: the gateway's final no. */
  status: 'processing' | 'succeeded' | 'failed' | 'refused';
  /** 1, plus one per restart after `failed`: part of the gateway's idempotency key. */
  attempts: number;
  failureReason?: string;
  /** The capture's reference at the gateway (a refund of the captured money names it). */
  gatewayReference?: string;
  createdAt: string;
}

/** How a settled operation leaves things, written in one transaction with its outbox event. */
export interface OperationOutcome {
  status: 'succeeded' | 'failed' | 'refused';
  failureReason?: string;
  gatewayReference?: string;
  /** The authorisation's new status (none: it stays `authorised`). */
  authorisation?: AuthorisationStatus;
  /** The outbox event of the change (none when nothing changed for anyone else). */
  event?: HoldEventType;
}

export type HoldEventType = 'HoldAuthorised' | 'HoldCaptured' | 'HoldVoided' | 'HoldExpired';

export type AuthorisationOutcome =
  | { status: 'authorised'; gateway: GatewayId; reference: string; expiresAt: string }
  | { status: 'declined'; gateway: GatewayId; reason: string }
  | { status: 'failed' };

export interface HoldStore {
  /**
   * Records a processing authorisation under `idempotencyKey` (scoped by reservation), or restarts the
   * `failed` one the key already names (same id, so the gateway's key is the same). `exists`: the key
   * names another attempt, as it is; `live`: the reservation already has a live hold of this kind.
   */
  beginAuthorisation(
    authorisation: Authorisation,
    idempotencyKey: string,
  ): Promise<{ kind: 'started' | 'exists' | 'live'; authorisation: Authorisation }>;
  /** Settles a processing authorisation (with its `HoldAuthorised` event when authorised); undefined when it was no longer processing. */
  finishAuthorisation(authorisationId: string, outcome: AuthorisationOutcome): Promise<Authorisation | undefined>;
  getAuthorisation(authorisationId: string): Promise<Authorisation | undefined>;
  /** Every authorisation of a reservation, oldest first. */
  authorisationsOf(reservationId: string): Promise<Authorisation[]>;
  /** Every operation (capture, void, release) of a reservation's authorisations, oldest first. */
  operationsOf(reservationId: string): Promise<HoldOperation[]>;
  /**
   * Records a processing operation of an `authorised` hold under `idempotencyKey`, or restarts the
   * `failed` one the key names (one more attempt). Otherwise: `exists` (the key's operation, as it is),
   * `busy` (another operation of this hold is in flight or done), `ended` (the hold is not `authorised`
   * any more), or `exceeds` (more than the hold).
   */
  beginOperation(
    operation: HoldOperation,
    idempotencyKey: string,
  ): Promise<
    | { kind: 'started' | 'exists' | 'busy'; operation: HoldOperation }
    /** `operation`: the one that ended it, when one did. */
    | { kind: 'ended'; authorisation: Authorisation; operation?: HoldOperation }
    | { kind: 'exceeds'; amountMinor: number }
  >;
  /** Settles a processing operation and its authorisation, with the event, in one transaction; false when no longer processing. */
  finishOperation(operation: HoldOperation, outcome: OperationOutcome): Promise<boolean>;
  getOperation(operationId: string): Promise<HoldOperation | undefined>;
  /** Restarts a failed operation for one more attempt (the reconciler); undefined when it is not failed any more. */
  retryOperation(operationId: string): Promise<HoldOperation | undefined>;
  /**
   * For the reconciler: operations left `processing` since before `before`, and `failed` voids and
   * releases of holds still `authorised`; and authorisations left `processing` since before `before`.
   */
  unsettled(before: string, limit: number): Promise<{ operations: HoldOperation[]; authorisations: Authorisation[] }>;
}

export interface HoldDeps {
  holds: HoldStore;
  gateways: GatewayRouter;
  clock: Clock;
  newId: () => string;
}
