import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Profile, ProfileChanges } from '../../domain/accounts/model';
import type { ProfileStore } from '../../domain/accounts/ports';
import { conflict, notFound } from '../../shared/errors';
import { orUnavailable } from '../unavailable';

/**
 * Users table items (lambdas/shared/tables.ts):
 *   USER#<sub>   / PROFILE  the profile (attributes of `Profile`)
 *   EMAIL#<email>/ EMAIL    the email guard: `status` pending (a registration holds it until
 *                           `heldUntil`, epoch ms) or active (it belongs to `userId`)
 * The guard makes email uniqueness a key constraint, so it needs no index and no scan.
 */
const profileKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'PROFILE' });
const emailKey = (email: string) => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' });

export const EMAIL_TAKEN = 'An account with this email already exists.';
const emailTaken = () => conflict(EMAIL_TAKEN, { fields: [{ field: 'body.email', message: EMAIL_TAKEN }] });

const toProfile = (item: Record<string, unknown>): Profile => {
  const { pk: _pk, sk: _sk, ...profile } = item;
  return profile as unknown as Profile;
};

/** Runs a DynamoDB call; an unreachable DynamoDB becomes a 503. */
const viaDynamo = <T>(call: () => Promise<T>) => orUnavailable('DynamoDB', call);

export class DynamoProfileStore implements ProfileStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claimEmail(email: string, heldUntil: Date, now: Date): Promise<void> {
    try {
      await viaDynamo(() => this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...emailKey(email), status: 'pending', heldUntil: heldUntil.getTime() },
          // Free, or held by a registration that has certainly ended (see domain/accounts/register.ts).
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :pending AND heldUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending', ':now': now.getTime() },
        }),
      ));
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw emailTaken();
      throw err;
    }
  }

  async releaseEmail(email: string): Promise<void> {
    try {
      await viaDynamo(() => this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: emailKey(email),
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending' },
        }),
      ));
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  async create(profile: Profile): Promise<void> {
    try {
      await viaDynamo(() => this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...profileKey(profile.userId), ...profile },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: emailKey(profile.email),
                UpdateExpression: 'SET #status = :active, userId = :userId REMOVE heldUntil',
                ConditionExpression: '#status = :pending',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':active': 'active', ':pending': 'pending', ':userId': profile.userId },
              },
            },
          ],
        }),
      ));
    } catch (err) {
      // Only if this registration outlived its claim and another took the email over.
      if (err instanceof TransactionCanceledException) throw emailTaken();
      throw err;
    }
  }

  async get(userId: string): Promise<Profile | undefined> {
    const { Item } = await viaDynamo(() => this.db.send(new GetCommand({ TableName: this.tableName, Key: profileKey(userId), ConsistentRead: true })));
    return Item ? toProfile(Item) : undefined;
  }

  async update(userId: string, changes: ProfileChanges & { mfaEnabled?: boolean }, now: Date): Promise<Profile> {
    const fields = Object.entries({ ...changes, updatedAt: now.toISOString() }).filter(([, v]) => v !== undefined);
    try {
      const { Attributes } = await viaDynamo(() => this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: profileKey(userId),
          UpdateExpression: `SET ${fields.map(([k]) => `#${k} = :${k}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(fields.map(([k]) => [`#${k}`, k])),
          ExpressionAttributeValues: Object.fromEntries(fields.map(([k, v]) => [`:${k}`, v])),
          ReturnValues: 'ALL_NEW',
        }),
      ));
      return toProfile(Attributes!);
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw notFound('User');
      throw err;
    }
  }
}
