import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { fromFeedbackItem, isFeedbackItem } from '../../adapters/feedback/feedback-item';
import { ratingLedger } from '../../adapters/feedback';
import { carRepository } from '../../adapters/fleet';
import { fleetCache } from '../../adapters/redis-backed';
import { applyFeedbackChange, type FeedbackChange } from '../../domain/feedback/aggregate';
import { contributionOf } from '../../domain/feedback/feedback';
import { logger } from '../../shared/logger';
import { streamHandler } from '../../workers/stream-handler';

const deps = { ledger: ratingLedger(), cars: carRepository(), cache: fleetCache() };

type Image = Record<string, AttributeValue>;

/** What a stream record means for the ratings; undefined for anything that is not a feedback item. */
export const changeOf = (record: DynamoDBRecord): FeedbackChange | undefined => {
  const newImage = record.dynamodb?.NewImage as Image | undefined;
  const oldImage = record.dynamodb?.OldImage as Image | undefined;
  const image = newImage ?? oldImage;
  if (!image) return undefined;
  const item = unmarshall(image);
  if (!isFeedbackItem(item)) return undefined;
  const feedback = fromFeedbackItem(item);
  // A deleted feedback (only ever by hand: the API never deletes) contributes nothing from then on.
  if (!newImage) return { feedbackId: feedback.feedbackId, carId: feedback.carId, version: feedback.version + 1, contribution: undefined };
  return { feedbackId: feedback.feedbackId, carId: feedback.carId, version: feedback.version, contribution: contributionOf(feedback) };
};

export const handler = streamHandler('aggregateRatings', async (record) => {
  const change = changeOf(record);
  if (!change) return;
  const outcome = await applyFeedbackChange(deps, change);
  logger.info('rating change', { ...change, outcome });
});
