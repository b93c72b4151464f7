import type { Clock } from '../../shared/clock';
import type { Page } from '../bookings/ports';
import type { Reservation } from '../bookings/reservation';
import type { Car } from '../fleet/car';
import type { FleetCache } from '../fleet/ports';
import type { Feedback, Moderation } from './feedback';
import type { RatingTotals } from './ratings';

/** What the feedback use cases need from the outside world; adapters implement these. */

export interface FeedbackStore {
  /**
   * Writes the feedback and marks its reservation reviewed in one transaction, conditional on the
   * reservation still being the reviewer's, over, and not yet reviewed; false when it is not.
   */
  create(feedback: Feedback, now: Date): Promise<boolean>;
  get(feedbackId: string): Promise<Feedback | undefined>;
  /** Hides (a moderation) or shows again; false when the item changed meanwhile (version moved on). */
  setHidden(feedback: Feedback, hidden: Moderation | undefined, now: Date): Promise<boolean>;
  /** Visible feedback of a car, newest first. */
  listByCar(carId: string, options: { limit: number; cursor?: string }): Promise<Page<Feedback>>;
  /** Everything a user wrote (hidden too), newest first. */
  listByUser(userId: string, options: { limit: number; cursor?: string }): Promise<Page<Feedback>>;
}

/** What the aggregator last applied for one feedback: its version and the stars it then contributed. */
export interface AppliedMark {
  version: number;
  contribution?: number;
}

/**
 * The cars' rating totals and, per feedback, the mark of what was applied. `commit` moves the totals by
 * `delta` and the mark from `seen` to `next` atomically, only if the mark is still `seen` (optimistic
 * concurrency): false when another invocation got there first.
 */
export interface RatingLedger {
  mark(feedbackId: string): Promise<AppliedMark | undefined>;
  commit(carId: string, feedbackId: string, seen: AppliedMark | undefined, next: AppliedMark, delta: RatingTotals): Promise<boolean>;
}

export interface ReviewerDirectory {
  /** The reviewer's display name (their profile's), if they have a profile. */
  nameOf(userId: string): Promise<string | undefined>;
}

export interface FeedbackDeps {
  feedback: FeedbackStore;
  reservations: { get(reservationId: string): Promise<Reservation | undefined> };
  cars: { get(carId: string): Promise<Car | undefined> };
  reviewers: ReviewerDirectory;
  clock: Clock;
  newId: () => string;
}

export interface AggregatorDeps {
  ledger: RatingLedger;
  cars: { get(carId: string): Promise<Pick<Car, 'location'> | undefined> };
  cache: Pick<FleetCache, 'invalidateCar' | 'invalidateLocation'>;
}
