import * as z from 'zod';
import { MAX_COMMENTS_LENGTH, MAX_RATING, MIN_RATING } from '../domain/feedback/feedback';
import { Cursor, Limit, UserReservationsParams } from './booking-schemas';

/** Request and response schemas of the feedback routes. */

const Id = z.uuid();

// Control characters other than tab and line breaks have no place in a review and can break clients
// and logs; everything else is kept as typed (it is plain text, never HTML).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export const FeedbackBody = z
  .strictObject({
    reservationId: Id,
    rating: z
      .number()
      .int('Use a whole number of stars.')
      .min(MIN_RATING)
      .max(MAX_RATING)
      .meta({ description: `Stars, ${MIN_RATING} to ${MAX_RATING}.` }),
    comments: z
      .string()
      .trim()
      .min(1, 'Say a few words about the rental.')
      .max(MAX_COMMENTS_LENGTH)
      .refine((s) => !CONTROL.test(s), 'Control characters are not allowed.')
      .meta({ description: `Plain text, 1 to ${MAX_COMMENTS_LENGTH} characters (never rendered as HTML).` }),
    userId: z.string().max(64).optional().meta({ description: 'Optional; when given it must be your own user id.' }),
  })
  .meta({ id: 'FeedbackRequest' });

export const FeedbackCreated = z.object({ feedbackId: z.string(), message: z.string() }).meta({ id: 'FeedbackCreated' });

export const FeedbackIdParams = z.object({ feedbackId: Id });
export const UserFeedbackParams = UserReservationsParams;

export const FeedbackListQuery = z.object({ limit: Limit, cursor: Cursor });

export const HideBody = z.strictObject({ reason: z.string().trim().min(1).max(500) }).meta({ id: 'HideFeedbackRequest' });

/** A review as the public sees it: no user id, the reviewer's first name only. */
export const PublicFeedback = z
  .object({
    feedbackId: z.string(),
    rating: z.number().int(),
    comments: z.string().meta({ description: 'Plain text: escape it before showing it in HTML.' }),
    reviewerName: z.string().meta({ description: "The reviewer's first name." }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'PublicFeedback' });

export const RatingSummary = z
  .object({
    average: z.number().nullable().meta({ description: 'One decimal; null with no reviews.' }),
    count: z.number().int(),
    stars: z
      .object({ 1: z.number().int(), 2: z.number().int(), 3: z.number().int(), 4: z.number().int(), 5: z.number().int() })
      .meta({ description: 'How many visible reviews gave each number of stars.' }),
  })
  .meta({ id: 'RatingSummary', description: 'Updated asynchronously from the reviews (within seconds).' });

export const CarFeedbackList = z
  .object({
    carId: z.string(),
    rating: RatingSummary,
    feedback: z.array(PublicFeedback),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  })
  .meta({ id: 'CarFeedbackList' });

/** A review as its author and admins see it. */
export const FeedbackView = PublicFeedback.extend({
  reservationId: z.string(),
  carId: z.string(),
  userId: z.string(),
  hidden: z.object({ reason: z.string(), at: z.iso.datetime() }).nullable().meta({ description: 'Set while an admin has hidden it.' }),
  updatedAt: z.iso.datetime(),
}).meta({ id: 'Feedback' });

export const UserFeedbackList = z
  .object({
    feedback: z.array(FeedbackView),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  })
  .meta({ id: 'UserFeedbackList' });
