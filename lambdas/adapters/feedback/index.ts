import { tableName } from '../../shared/config';
import { documentClient } from '../dynamodb';
import { DynamoFeedbackStore } from './feedback-store';
import { DynamoRatingLedger } from './rating-ledger';

/** The feedback adapters, each built once per function instance; DynamoDB only (Redis is in redis-backed.ts). */
let store: DynamoFeedbackStore | undefined;
export const feedbackStore = (): DynamoFeedbackStore =>
  (store ??= new DynamoFeedbackStore(documentClient(), tableName('feedback'), tableName('reservations')));

/** Feedback reads that need no reservations table (the public and per-user lists, moderation). */
let readStore: DynamoFeedbackStore | undefined;
export const feedbackReader = (): DynamoFeedbackStore => (readStore ??= new DynamoFeedbackStore(documentClient(), tableName('feedback')));

let ledger: DynamoRatingLedger | undefined;
export const ratingLedger = (): DynamoRatingLedger => (ledger ??= new DynamoRatingLedger(documentClient(), tableName('cars')));
