import type { Clock } from '../../shared/clock';
import type { Car } from '../fleet/car';
import type { LocationCode } from '../fleet/catalog';
import type { StockCalendar } from '../fleet/stock';
import type { MaintenanceBlock } from '../fleet/availability';
import type { CarRepository, FleetCache } from '../fleet/ports';
import type { OwnedClaim, RequestClaim } from '../idempotency';
import type { BookingLimits, CustomerUsage, LimitRefusal } from './limits';
import type { Notifier } from './notifications';
import type { QuoteStore } from '../quotes/quote';
import type { RentalSales } from '../quotes/sales';
import type { Handover, PendingChange, RejectionReason, Refund, Reservation, ReservationStatus, ReturnSettlement } from './reservation';
import type { QuoteLine } from '../pricing';

/** A one-way rental's car, moved by its return: the car as it is priced and searched, and where it now is. */
export interface CarMove {
  car: Pick<Car, 'carId' | 'type' | 'pricePerDayMinor'>;
  to: LocationCode;
}

/** What the booking use cases need from the outside world; adapters implement these. */

/** A request's claim on a deduplication key: the same key within its window names the same reservation. */
export type { RequestClaim } from '../idempotency';

/**
 * Created, under `reservationId` (the request's own id, or the one a claim of the same request names
 * when that request was admitted but never written); or not: the live claim that named another
 * reservation (its `key`, preferring the Idempotency-Key's), or the customer's limits refused it
 * (`admit`), checked against what the customer holds when it is written.
 */
export type CreateOutcome =
  | { created: true; reservationId: string }
  | { created: false; reservationId: string; fingerprint: string; key?: string }
  | { created: false; refused: LimitRefusal };

export interface CreateOptions {
  /** A reservation that has ended whose claim is taken over. */
  supersede?: string;
  /**
   * The limits' verdict on the customer's current usage. The store writes the request only if the
   * usage it judged is still the customer's at the write (a concurrent request makes it judge again).
   */
  admit: (usage: CustomerUsage[]) => LimitRefusal | undefined;
  /** Epoch ms until which the request counts as an open hold, unless decided before. */
  countsUntil: number;
}

/**
 * What `block` did: wrote the block; found the car's calendar changed since it was read (`stale`: read
 * it again and decide again); or found the live claim of an admin's Idempotency-Key naming an earlier
 * block (`standing`: that block is still on the car).
 */
export type BlockOutcome =
  | { blocked: true }
  | { blocked: false; stale: true }
  | { blocked: false; claimed: { blockId: string; fingerprint: string; standing: boolean } };

/**
 * What the hold transaction did: held; found the reservation decided already; found it had stopped
 * counting (NOT_DECIDED) or the car gone from where it was priced (CAR_UNAVAILABLE); or found the
 * car's calendar changed since the decision was made on it (`stale`: read it again and decide again).
 */
export type HoldOutcome = { kind: 'held' } | { kind: 'rejected'; reason: RejectionReason } | { kind: 'alreadyDecided' } | { kind: 'stale' };

/** A location's stock of its physical extras, as a hold decides on it (fleet/stock.ts). */
export interface ExtrasStock {
  /** How many of each extra the location has, from its extras catalogue (an extra it does not stock: absent). */
  counts(location: LocationCode): Promise<Readonly<Record<string, number>>>;
  /** The extra's calendar at the location, read strongly (version 0 when never written). */
  calendar(location: LocationCode, code: string): Promise<StockCalendar>;
}

/** The hold a decision writes. */
export interface HoldTerms {
  /** Epoch ms the hold lapses at. */
  expiresAt: number;
  /** An earlier attempt at this decision put this very hold on the car already: only the reservation follows. */
  onCar: boolean;
  /** The request must have been made after this instant (ISO, UTC): its decision window. */
  requestedAfter: string;
  /** The stock calendars of its stocked extras as judged (each written in the car's transaction, conditional on its version). */
  stock?: StockCalendar[];
}

/**
 * What `claimChange` did: claimed (the new interval and extras held beside the old ones); found the
 * car's or an extra's calendar, or the customer's usage, changed since it was judged (`stale`: read and
 * judge again); found the reservation moved on, or another change or hand-over under way on it (`busy`);
 * or the customer's limits refused the new interval (`refused`).
 */
export type ChangeClaim = { kind: 'claimed' } | { kind: 'stale' } | { kind: 'busy' } | { kind: 'refused'; refused: LimitRefusal };

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface ReservationStore {
  /**
   * Writes a Requested reservation, due for the sweeper at `dueMs`, after admitting it (its claims and
   * its count against the customer's limits), unless a claim is live or `admit` refuses; a claim that
   * still names `supersede` is taken over. Every later change of state updates or drops the count.
   */
  create(reservation: Reservation, claims: RequestClaim[], dueMs: number, options: CreateOptions): Promise<CreateOutcome>;
  /** Undoes `create` while the reservation is still Requested (its message never reached the queue). */
  discard(reservation: Reservation, claims: RequestClaim[]): Promise<void>;
  get(reservationId: string): Promise<Reservation | undefined>;
  /**
   * Requested -> Pending: the hold's block on the car, conditional on the car's calendar
   * (`blocksVersion`) being the one `car` was read at, on which the car was judged free; then the
   * reservation, conditional on still being a request in its window (if not, the block comes off).
   */
  hold(reservation: Reservation, car: Car, hold: HoldTerms, now: Date): Promise<HoldOutcome>;
  /** Requested -> Rejected; false when it was already decided. */
  reject(reservation: Reservation, reason: RejectionReason, now: Date): Promise<boolean>;
  /** Pending with a live hold -> Confirmed: the reservation and its block on the car become a booking. */
  confirm(reservation: Reservation, now: Date, dueMs: number): Promise<boolean>;
  /** Requested, Pending (live hold) or Confirmed -> Cancelled, freeing the days; false when the state changed meanwhile. */
  cancel(reservation: Reservation, refund: Refund | undefined, now: Date): Promise<boolean>;
  /** Pending with a lapsed hold -> Expired, releasing what is still its own. */
  expire(reservation: Reservation, now: Date): Promise<boolean>;
  /** Confirmed past its return day -> Completed. */
  complete(reservation: Reservation, now: Date): Promise<boolean>;
  /**
   * The counter (counter/handover.ts). A pick-up is claimed first: the agent's record written on the
   * Confirmed reservation, unless another claim newer than `staleBefore` (ISO) is there. While claimed,
   * neither a cancel nor the no-show sweeper can move it; then its money is taken and `startRental`
   * makes it Active (false when the claim is gone), or `releasePickup` gives it back.
   */
  claimPickup(reservation: Reservation, pickup: Handover, staleBefore: string): Promise<boolean>;
  releasePickup(reservation: Reservation): Promise<void>;
  startRental(reservation: Reservation, now: Date): Promise<boolean>;
  /** The same for a return: the agent's record and the charges on the Active reservation, then its end. */
  claimReturn(
    reservation: Reservation,
    dropoff: NonNullable<Reservation['dropoff']>,
    charges: QuoteLine[],
    staleBefore: string,
  ): Promise<boolean>;
  /**
   * Active -> Completed with its settlement: the car's block and the extras' come off (the car is back),
   * and a one-way rental's car moves to its return location in the same transaction.
   */
  finishRental(reservation: Reservation, settlement: ReturnSettlement, now: Date, move?: CarMove): Promise<boolean>;
  /** Confirmed, not picked up (no claim newer than `staleBefore`) -> NoShow with its refund: the car and extras are free. */
  noShow(reservation: Reservation, refund: Refund, now: Date, staleBefore: string): Promise<boolean>;
  /** Records the pick-up reminder and when the sweeper looks again. */
  reminded(reservation: Reservation, now: Date, dueMs: number): Promise<void>;
  /** Sets when the sweeper looks at a reservation next; `undefined` takes it off the sweeper's list. */
  postpone(reservation: Reservation, dueMs: number | undefined): Promise<void>;
  /** Reservations whose sweeper deadline has passed. */
  due(now: Date, limit: number): Promise<Reservation[]>;
  /** `status`: one, or any of several (v1's Confirmed is also a rental under way). */
  listByUser(
    userId: string,
    options: { status?: ReservationStatus | readonly ReservationStatus[]; limit: number; cursor?: string },
  ): Promise<Page<Reservation>>;
  listByCar(carId: string, options: { when: 'upcoming' | 'past'; limit: number; cursor?: string; now: Date }): Promise<Page<Reservation>>;
  /**
   * Adds a maintenance block to the car, conditional on the car's calendar being the one `car` was read
   * at (on which its days were judged free). With a claim (an admin's Idempotency-Key) the claim is written in that transaction too; a
   * live claim means an earlier attempt: nothing is written and the claim says which block it made.
   */
  block(car: Car, block: MaintenanceBlock, now: Date, claim?: OwnedClaim): Promise<BlockOutcome>;
  /** The block an admin's Idempotency-Key made, while its claim is live (`standing`: still on the car). */
  earlierBlock(
    carId: string,
    claim: OwnedClaim,
    now: Date,
  ): Promise<{ blockId: string; fingerprint: string; standing: boolean } | undefined>;
  /** Removes a maintenance block, conditional on the car's calendar being the one `car` was read at; false when it changed. */
  unblock(car: Car, block: MaintenanceBlock, now: Date): Promise<boolean>;
}

/** The store with a change's three steps (bookings/change.ts): only the change function needs them. */
export interface ChangeStore extends ReservationStore {
  /**
   * A change (change.ts), in three steps. `claimChange` writes the change on the reservation (as it was
   * read: its status and terms; no fresh change or hand-over claim there, older than `staleBefore` is
   * stale) and, in the same transaction, holds the new interval and stocked extras beside the old ones
   * (a second block, lapsing with the claim), conditional on the calendars judged (`car`, `stock`), and
   * counts the new interval against the customer's limits as a request's admission does (`admit`, judged
   * on the customer's other usage).
   */
  claimChange(
    r: Reservation,
    change: PendingChange,
    judged: { car: Car; stock: StockCalendar[]; admit: (otherUsage: CustomerUsage[]) => LimitRefusal | undefined },
    now: Date,
    staleBefore: string,
  ): Promise<ChangeClaim>;
  /** Ends a change's claim (if still this one): undone before it landed, or done after. Its second blocks come off. */
  releaseChange(r: Reservation, change: PendingChange, now: Date): Promise<void>;
  /**
   * The change lands: the reservation takes its new terms (the claim stays, `landed`, until released)
   * and its blocks the new interval, in one transaction conditional on the claim being this one and its
   * second block still on the car. False when not.
   */
  commitChange(r: Reservation, change: PendingChange, now: Date, dueMs: number | undefined): Promise<boolean>;
}

/** The queue booking requests wait in (SQS FIFO, one message group per car). */
export interface BookingQueue {
  send(request: { reservationId: string; carId: string; correlationId?: string }): Promise<void>;
}

/**
 * A short per-car lock (Redis SET NX PX) that serialises deciders of one car to cut contention. Never
 * needed for correctness: `acquire` answers 'unavailable' when Redis is down and the caller goes on.
 */
export interface CarLocks {
  acquire(carId: string, ttlMs: number, waitMs: number): Promise<{ release(): Promise<void> } | 'busy' | 'unavailable'>;
}

export interface BookingDeps {
  reservations: ReservationStore;
  cars: Pick<CarRepository, 'get'>;
  cache: Pick<FleetCache, 'calendarChanging' | 'calendarChanged'>;
  queue: BookingQueue;
  locks: CarLocks;
  notifier: Notifier;
  clock: Clock;
  newId: () => string;
  /** How long a Pending reservation holds the car for payment. */
  holdMs: number;
  /** The stock of physical extras (a request with a stocked extra needs it). */
  stock?: ExtrasStock;
  /** The per-customer booking limits; `bookingLimits()` (configuration) when left out. */
  limits?: BookingLimits;
  /** Quotes a v2 request may book (`{ quoteId }`); without them such a request finds no quote. */
  quotes?: Pick<QuoteStore, 'get'>;
  /** v2's pricing and driver rules (a rental sold at a quote's price, to an eligible driver); see `sell` in request.ts. */
  sales?: RentalSales;
}
