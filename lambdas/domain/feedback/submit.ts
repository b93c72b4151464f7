import { conflict, forbidden, notFound } from '../../shared/errors';
import type { Reservation } from '../bookings/reservation';
import { feedbackStateOf, firstNameOf, type Feedback } from './feedback';
import type { FeedbackDeps } from './ports';

export interface SubmitFeedback {
  /** The caller (the token's subject). */
  userId: string;
  /** A `userId` the client put in the body: it must be the caller's own. */
  claimedUserId?: string;
  reservationId: string;
  rating: number;
  comments: string;
}

/** 409 unless the reservation can take feedback now, saying why. */
const assertReviewable = (reservation: Reservation, now: Date): void => {
  const state = feedbackStateOf(reservation, now);
  if (state === 'given')
    throw conflict('This reservation already has feedback: one per reservation.', { feedbackId: reservation.feedbackId });
  if (state === 'notYet') {
    throw conflict(`Feedback opens once the rental is over (return day ${reservation.endDate}).`, {
      status: reservation.status,
      endDate: reservation.endDate,
    });
  }
  if (state === 'never') throw conflict(`A ${reservation.status} reservation cannot take feedback.`, { status: reservation.status });
};

/**
 * Feedback from the customer of a reservation whose rental is over, once. The reservation is read first
 * to answer 404 or 409 with the reason; the write itself re-checks all of it in one transaction, so two
 * submissions at once make one feedback and one 409.
 */
export const submitFeedback = async (
  deps: Pick<FeedbackDeps, 'feedback' | 'reservations' | 'reviewers' | 'clock' | 'newId'>,
  req: SubmitFeedback,
): Promise<Feedback> => {
  if (req.claimedUserId !== undefined && req.claimedUserId !== req.userId) {
    throw forbidden('You can only give feedback as yourself: userId must be your own (or left out).');
  }
  // Someone else's reservation is "not found", so ids of others cannot be probed.
  const load = async () => {
    const reservation = await deps.reservations.get(req.reservationId);
    if (!reservation || reservation.userId !== req.userId) throw notFound(`Reservation ${req.reservationId}`);
    return reservation;
  };
  const reservation = await load();
  const now = deps.clock.now();
  assertReviewable(reservation, now);
  const at = now.toISOString();
  const feedback: Feedback = {
    feedbackId: deps.newId(),
    reservationId: reservation.reservationId,
    carId: reservation.carId,
    userId: req.userId,
    reviewerName: firstNameOf(await deps.reviewers.nameOf(req.userId)),
    rating: req.rating,
    comments: req.comments,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  if (await deps.feedback.create(feedback, now)) return feedback;
  // The reservation changed between the read and the write (another submission, a cancellation): say how.
  assertReviewable(await load(), deps.clock.now());
  throw conflict('The reservation changed meanwhile; read it again.');
};
