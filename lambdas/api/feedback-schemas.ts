import * as z from '../shared/zod';
import { MAX_COMMENTS_LENGTH } from '../domain/feedback/feedback';
import { MAX_RATING, MIN_RATING } from '../domain/fleet/car';
import { whole } from '../shared/validation';
import { UserReservationsParams } from './booking-schemas';
import { count, Cursor, freeText, Limit, list, NextCursor, PAGE_MAX, ResourceId, Sentence, text, Timestamp, UserId } from './fields';

/** Request and response schemas of the feedback routes. */

const Id = z.uuid();

export const FeedbackBody = z
  .strictObject({
    reservationId: Id,
    rating: z
      .number()
      .check(
        whole('Use a whole number of stars.'),
        z.gte(MIN_RATING),
        z.lte(MAX_RATING),
        z.meta({ description: `Stars, ${MIN_RATING} to ${MAX_RATING}.` }),
      ),
    // Paragraphs: tab and line breaks are kept; everything else as typed (plain text, never HTML).
    comments: freeText(MAX_COMMENTS_LENGTH, { multiline: true, empty: 'Say a few words about the rental.' }).check(
      z.meta({ description: `Plain text, 1 to ${MAX_COMMENTS_LENGTH} characters (never rendered as HTML).` }),
    ),
    userId: z.optional(text(64)).check(z.meta({ description: 'Optional; when given it must be your own user id.' })),
  })
  .check(z.meta({ id: 'FeedbackRequest' }));

export const FeedbackCreated = z.object({ feedbackId: ResourceId, message: Sentence }).check(z.meta({ id: 'FeedbackCreated' }));

export const FeedbackIdParams = z.object({ feedbackId: Id });
export const UserFeedbackParams = UserReservationsParams;

export const FeedbackListQuery = z.object({ limit: Limit, cursor: Cursor });

export const HideBody = z.strictObject({ reason: freeText(500) }).check(z.meta({ id: 'HideFeedbackRequest' }));

// FeedbackView adds to these fields (spread, not `z.extend`, which would carry PublicFeedback's id along).
const publicFeedbackFields = {
  feedbackId: ResourceId,
  rating: count(MAX_RATING),
  comments: text(MAX_COMMENTS_LENGTH).check(z.meta({ description: 'Plain text: escape it before showing it in HTML.' })),
  reviewerName: text(100).check(z.meta({ description: "The reviewer's first name." })),
  createdAt: Timestamp,
};

/** A review as the public sees it: no user id, the reviewer's first name only. */
export const PublicFeedback = z.object(publicFeedbackFields).check(z.meta({ id: 'PublicFeedback' }));

export const RatingSummary = z
  .object({
    average: z.nullable(z.number()).check(z.meta({ description: 'One decimal; null with no reviews.' })),
    count: count(),
    stars: z
      .object({ 1: count(), 2: count(), 3: count(), 4: count(), 5: count() })
      .check(z.meta({ description: 'How many visible reviews gave each number of stars.' })),
  })
  .check(z.meta({ id: 'RatingSummary', description: 'Updated asynchronously from the reviews (within seconds).' }));

export const CarFeedbackList = z
  .object({
    carId: ResourceId,
    rating: RatingSummary,
    feedback: list(PublicFeedback, PAGE_MAX),
    nextCursor: NextCursor,
  })
  .check(z.meta({ id: 'CarFeedbackList' }));

/** A review as its author and admins see it. */
export const FeedbackView = z
  .object({
    ...publicFeedbackFields,
    reservationId: ResourceId,
    carId: ResourceId,
    userId: UserId,
    hidden: z.nullable(z.object({ reason: text(500), at: Timestamp })).check(z.meta({ description: 'Set while an admin has hidden it.' })),
    updatedAt: Timestamp,
  })
  .check(z.meta({ id: 'Feedback' }));

export const UserFeedbackList = z
  .object({
    feedback: list(FeedbackView, PAGE_MAX),
    nextCursor: NextCursor,
  })
  .check(z.meta({ id: 'UserFeedbackList' }));
