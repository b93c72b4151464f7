import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Page } from '../../domain/bookings/ports';
import type { Feedback, Moderation } from '../../domain/feedback/feedback';
import type { FeedbackStore } from '../../domain/feedback/ports';
import { todayUtc } from '../../domain/fleet/period';
import { reservationKey } from '../bookings/reservation-item';
import { conditionalWrite, transactWrite } from '../dynamo-conflicts';
import { queryAll, queryPage } from '../dynamodb';
import {
  BY_CAR,
  BY_USER,
  carPartition,
  FEEDBACK_PK_PREFIX,
  FEEDBACK_SK,
  feedbackKey,
  fromFeedbackItem,
  toFeedbackItem,
  hiddenCarPartition,
  userPartition,
  byCarKeys,
} from './feedback-item';

/** Feedback in DynamoDB: the feedback table, plus the `feedbackId` mark on the reviewed reservation. */
export class DynamoFeedbackStore implements FeedbackStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly feedbackTable: string,
    /** Only `create` writes there (the reviewed mark); readers and moderation go without it. */
    private readonly reservationsTable?: string,
  ) {}

  async create(feedback: Feedback, now: Date): Promise<boolean> {
    if (!this.reservationsTable) throw new Error('DynamoFeedbackStore.create needs the reservations table');
    const refused = await transactWrite(this.db, [
      {
        // The rules again, at the database: the reviewer's, over, not reviewed yet. Two submissions
        // at once: one transaction commits, the other finds feedbackId set.
        Update: {
          TableName: this.reservationsTable,
          Key: reservationKey(feedback.reservationId),
          UpdateExpression: 'SET feedbackId = :fid',
          ConditionExpression:
            'userId = :me AND attribute_not_exists(feedbackId) AND (#status = :completed OR (#status = :confirmed AND attribute_not_exists(pickupAt) AND endDate <= :today))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':fid': feedback.feedbackId,
            ':me': feedback.userId,
            ':completed': 'Completed',
            ':confirmed': 'Confirmed',
            ':today': todayUtc(now),
          },
        },
      },
      { Put: { TableName: this.feedbackTable, Item: toFeedbackItem(feedback), ConditionExpression: 'attribute_not_exists(pk)' } },
    ]);
    return !refused;
  }

  async get(feedbackId: string): Promise<Feedback | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.feedbackTable, Key: feedbackKey(feedbackId), ConsistentRead: true }));
    return res.Item ? fromFeedbackItem(res.Item) : undefined;
  }

  async setHidden(feedback: Feedback, hidden: Moderation | undefined, now: Date): Promise<boolean> {
    const keys = byCarKeys(feedback, Boolean(hidden));
    return conditionalWrite(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.feedbackTable,
          Key: feedbackKey(feedback.feedbackId),
          // Hidden feedback moves to the car's hidden partition, so the public list skips it by key, with no filter.
          UpdateExpression: hidden
            ? 'SET #hidden = :hidden, gsi1pk = :g1pk, #version = :next, updatedAt = :at'
            : 'SET gsi1pk = :g1pk, #version = :next, updatedAt = :at REMOVE #hidden',
          ConditionExpression: '#version = :seen',
          // Both are DynamoDB reserved words.
          ExpressionAttributeNames: { '#hidden': 'hidden', '#version': 'version' },
          ExpressionAttributeValues: {
            ':seen': feedback.version,
            ':next': feedback.version + 1,
            ':at': now.toISOString(),
            ':g1pk': keys.gsi1pk,
            ...(hidden ? { ':hidden': hidden } : {}),
          },
        }),
      ),
    );
  }

  private async list(
    index: string,
    partition: Record<string, string>,
    options: { limit: number; cursor?: string },
  ): Promise<Page<Feedback>> {
    const [[indexPk, value]] = Object.entries(partition);
    const page = await queryPage(
      this.db,
      {
        TableName: this.feedbackTable,
        IndexName: index,
        KeyConditionExpression: `${indexPk} = :pk`,
        ExpressionAttributeValues: { ':pk': value },
        ScanIndexForward: false, // newest first
      },
      options,
      { partition, pkPrefix: FEEDBACK_PK_PREFIX, sk: FEEDBACK_SK },
    );
    return { items: page.items.map(fromFeedbackItem), nextCursor: page.nextCursor };
  }

  listByCar(carId: string, options: { limit: number; cursor?: string }): Promise<Page<Feedback>> {
    return this.list(BY_CAR, { gsi1pk: carPartition(carId) }, options);
  }

  /** Every feedback of a car, visible and hidden (for a rebuild of its totals). */
  async allOfCar(carId: string): Promise<Feedback[]> {
    const read = (partition: string) =>
      queryAll(this.db, {
        TableName: this.feedbackTable,
        IndexName: BY_CAR,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': partition },
      });
    const items = (await Promise.all([read(carPartition(carId)), read(hiddenCarPartition(carId))])).flat();
    return items.map(fromFeedbackItem);
  }

  listByUser(userId: string, options: { limit: number; cursor?: string }): Promise<Page<Feedback>> {
    return this.list(BY_USER, { gsi2pk: userPartition(userId) }, options);
  }
}
