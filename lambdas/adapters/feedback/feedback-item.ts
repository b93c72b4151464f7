import type { Feedback } from '../../domain/feedback/feedback';
import { tables } from '../../shared/tables';

/**
 * The one owner of the feedback table's item format (see README "Data model"); the store, the rating
 * aggregator's stream decoding and the rebuild all go through it.
 *
 *   feedback  pk FEEDBACK#<id>  sk FEEDBACK
 *             gsi1 byCar   CAR#<carId>   / <createdAt>#<id>   while visible; HIDDEN#CAR#<carId> while
 *                                                               hidden, so the public list skips it by key
 *                                                               and a rebuild still finds every feedback
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
  'feedbackId',
  'reservationId',
  'carId',
  'userId',
  'reviewerName',
  'rating',
  'comments',
  'createdAt',
  'updatedAt',
  'hidden',
  'version',
] as const;

export const feedbackKey = (feedbackId: string) => ({ pk: `${FEEDBACK_PK_PREFIX}${feedbackId}`, sk: FEEDBACK_SK });
export const carPartition = (carId: string) => `CAR#${carId}`;
export const hiddenCarPartition = (carId: string) => `HIDDEN#CAR#${carId}`;
export const userPartition = (userId: string) => `USER#${userId}`;

/** The byCar index keys of a feedback, visible or hidden. */
export const byCarKeys = (f: Pick<Feedback, 'carId' | 'createdAt' | 'feedbackId'>, hidden: boolean) => ({
  gsi1pk: hidden ? hiddenCarPartition(f.carId) : carPartition(f.carId),
  gsi1sk: `${f.createdAt}#${f.feedbackId}`,
});

export const toFeedbackItem = (f: Feedback): Record<string, unknown> => ({
  ...feedbackKey(f.feedbackId),
  ...Object.fromEntries(FIELDS.filter((k) => f[k] !== undefined).map((k) => [k, f[k]])),
  gsi2pk: userPartition(f.userId),
  gsi2sk: `${f.createdAt}#${f.feedbackId}`,
  ...byCarKeys(f, Boolean(f.hidden)),
});

export const isFeedbackItem = (item: Record<string, unknown>): boolean =>
  item.sk === FEEDBACK_SK && typeof item.pk === 'string' && item.pk.startsWith(FEEDBACK_PK_PREFIX);

export const fromFeedbackItem = (item: Record<string, unknown>): Feedback => {
  const f = Object.fromEntries(FIELDS.filter((k) => item[k] !== undefined).map((k) => [k, item[k]])) as unknown as Feedback;
  f.rating = Number(f.rating);
  f.version = Number(f.version ?? 1);
  return f;
};
