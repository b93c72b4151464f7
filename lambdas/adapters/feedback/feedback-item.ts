import type { Feedback } from '../../domain/feedback/feedback';
import { tables } from '../../shared/tables';

/**
 * The one owner of the feedback table's item format (see README "Data model"); the store, the rating
 * aggregator's stream decoding and the rebuild all go through it.
 *
 *   feedback  pk FEEDBACK#<id>  sk FEEDBACK
 *             gsi1 byCar   CAR#<carId>   / <createdAt>#<id>   (sparse: only while visible, so hidden
 *                                                               feedback leaves the public list by key)
 *             gsi2 byUser  USER#<userId> / <createdAt>#<id>   (everything a user wrote)
 *
 * One feedback per reservation is enforced on the reservation item (`feedbackId`, set in the same
 * transaction), so the feedback's own key needs no reservation in it.
 */
export const BY_CAR = tables.feedback.indexes.find((i) => i.name === 'byCar')!.name;
export const BY_USER = tables.feedback.indexes.find((i) => i.name === 'byUser')!.name;
export const FEEDBACK_SK = 'FEEDBACK';
export const FEEDBACK_PK_PREFIX = 'FEEDBACK#';

const FIELDS = [
  'feedbackId', 'reservationId', 'carId', 'userId', 'reviewerName', 'rating', 'comments', 'createdAt', 'updatedAt', 'hidden', 'version',
] as const;

export const feedbackKey = (feedbackId: string) => ({ pk: `${FEEDBACK_PK_PREFIX}${feedbackId}`, sk: FEEDBACK_SK });
export const carPartition = (carId: string) => `CAR#${carId}`;
export const userPartition = (userId: string) => `USER#${userId}`;

/** The byCar index keys a visible feedback carries. */
export const visibleKeys = (f: Pick<Feedback, 'carId' | 'createdAt' | 'feedbackId'>) => ({
  gsi1pk: carPartition(f.carId),
  gsi1sk: `${f.createdAt}#${f.feedbackId}`,
});

export const toFeedbackItem = (f: Feedback): Record<string, unknown> => ({
  ...feedbackKey(f.feedbackId),
  ...Object.fromEntries(FIELDS.filter((k) => f[k] !== undefined).map((k) => [k, f[k]])),
  gsi2pk: userPartition(f.userId),
  gsi2sk: `${f.createdAt}#${f.feedbackId}`,
  ...(f.hidden ? {} : visibleKeys(f)),
});

export const isFeedbackItem = (item: Record<string, unknown>): boolean =>
  item.sk === FEEDBACK_SK && typeof item.pk === 'string' && item.pk.startsWith(FEEDBACK_PK_PREFIX);

export const fromFeedbackItem = (item: Record<string, unknown>): Feedback => {
  const f = Object.fromEntries(FIELDS.filter((k) => item[k] !== undefined).map((k) => [k, item[k]])) as unknown as Feedback;
  f.rating = Number(f.rating);
  f.version = Number(f.version ?? 1);
  return f;
};
