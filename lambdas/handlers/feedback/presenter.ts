import type * as z from '../../shared/zod';
import type { CarFeedbackList, FeedbackView, PublicFeedback, RatingSummary } from '../../api/feedback-schemas';
import type { Feedback } from '../../domain/feedback/feedback';
import type { RatingTotals } from '../../domain/feedback/ratings';
import { averageRating } from '../../domain/fleet/car';

/** Feedback as the API shows it: the public sees the review and a first name, the author and admins the rest. */

export const presentPublicFeedback = (f: Feedback): z.output<typeof PublicFeedback> => ({
  feedbackId: f.feedbackId,
  rating: f.rating,
  comments: f.comments,
  reviewerName: f.reviewerName,
  createdAt: f.createdAt,
});

export const presentFeedback = (f: Feedback): z.output<typeof FeedbackView> => ({
  ...presentPublicFeedback(f),
  reservationId: f.reservationId,
  carId: f.carId,
  userId: f.userId,
  hidden: f.hidden ? { reason: f.hidden.reason, at: f.hidden.at } : null,
  updatedAt: f.updatedAt,
});

export const presentRating = (t: RatingTotals): z.output<typeof RatingSummary> => ({
  average: averageRating({ ratingCount: t.count, ratingTotal: t.total }),
  count: t.count,
  stars: { 1: t.stars[0] ?? 0, 2: t.stars[1] ?? 0, 3: t.stars[2] ?? 0, 4: t.stars[3] ?? 0, 5: t.stars[4] ?? 0 },
});

export const presentCarFeedback = (
  carId: string,
  result: { rating: RatingTotals; page: { items: Feedback[]; nextCursor?: string } },
): z.output<typeof CarFeedbackList> => ({
  carId,
  rating: presentRating(result.rating),
  feedback: result.page.items.map(presentPublicFeedback),
  nextCursor: result.page.nextCursor ?? null,
});
