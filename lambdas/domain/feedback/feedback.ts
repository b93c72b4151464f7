import type { Reservation } from '../bookings/reservation';
import { todayUtc } from '../fleet/period';

/**
 * Feedback on a rental: one per reservation, written by its customer once the rental is over. Comments
 * are plain text; nothing of ours renders them as HTML (clients must escape them like any user text).
 */
export const MAX_COMMENTS_LENGTH = 2_000;

export interface Moderation {
  reason: string;
  by: string;
  at: string;
}

export interface Feedback {
  feedbackId: string;
  reservationId: string;
  carId: string;
  userId: string;
  /** The reviewer's first name as it was when they wrote it: all the public list shows of them. */
  reviewerName: string;
  rating: number;
  comments: string;
  createdAt: string;
  updatedAt: string;
  /** Set while an admin has hidden it: it leaves the public list and the car's rating. */
  hidden?: Moderation;
  /**
   * Grows by one with every change of the item. The rating aggregator applies a change only if its
   * version is newer than the one it last applied for this feedback, so a redelivered event never counts twice.
   */
  version: number;
}

/** What a feedback adds to its car's rating: its stars while visible, nothing while hidden. */
export const contributionOf = (f: Pick<Feedback, 'rating' | 'hidden'> | undefined): number | undefined =>
  f && !f.hidden ? f.rating : undefined;

/**
 * The rental is over: Completed (a v2 rental at its actual return, by the agent), or a v1 rental Confirmed
 * with its return day reached (before the sweeper completes it).
 */
export const rentalIsOver = (r: Pick<Reservation, 'status' | 'endDate' | 'pickupAt'>, now: Date): boolean =>
  r.status === 'Completed' || (r.status === 'Confirmed' && !r.pickupAt && r.endDate <= todayUtc(now));

export type FeedbackState = 'given' | 'open' | 'notYet' | 'never';

/**
 * Where a reservation stands for feedback, as rental history shows it: given; open (can be given now);
 * not yet (the rental is still to come or under way); never (it was rejected, cancelled or expired).
 */
export const feedbackStateOf = (r: Pick<Reservation, 'status' | 'endDate' | 'pickupAt' | 'feedbackId'>, now: Date): FeedbackState => {
  if (r.feedbackId) return 'given';
  if (rentalIsOver(r, now)) return 'open';
  return r.status === 'Requested' || r.status === 'Pending' || r.status === 'Confirmed' || r.status === 'Active' ? 'notYet' : 'never';
};

/** The first word of a profile name, which is all a public review shows of who wrote it. */
export const firstNameOf = (name: string | undefined): string => {
  const first = (name ?? '').trim().split(/\s+/)[0] ?? '';
  return first.slice(0, 40) || 'Customer';
};
