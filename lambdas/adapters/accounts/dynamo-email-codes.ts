import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { emailCodeKeptUntil } from '../../domain/accounts/email-verification';
import type { EmailCode, EmailCodeStore } from '../../domain/accounts/ports';
import { orUnavailable } from '../unavailable';

/**
 * USER#<sub> / EMAIL_CODE in the users table: the hash of the current verification code and its counters.
 * `purgeAt` (epoch seconds, the table's TTL) lets DynamoDB drop it once it no longer matters.
 */
const codeKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'EMAIL_CODE' });

export class DynamoEmailCodes implements EmailCodeStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(userId: string): Promise<EmailCode | undefined> {
    const { Item } = await orUnavailable('DynamoDB', () =>
      this.db.send(new GetCommand({ TableName: this.tableName, Key: codeKey(userId), ConsistentRead: true })),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, purgeAt: _purgeAt, ...code } = Item;
    return code as EmailCode;
  }

  async replace(userId: string, next: EmailCode, expected: EmailCode | undefined): Promise<boolean> {
    // Compare-and-set on the two fields every change moves: attempts (a check) and sentAt (a new code).
    const condition = expected
      ? {
          ConditionExpression: 'attempts = :attempts AND sentAt = :sentAt',
          ExpressionAttributeValues: { ':attempts': expected.attempts, ':sentAt': expected.sentAt },
        }
      : { ConditionExpression: 'attribute_not_exists(pk)' };
    try {
      await orUnavailable('DynamoDB', () =>
        this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...codeKey(userId), ...next, purgeAt: Math.ceil(emailCodeKeptUntil(next) / 1000) },
            ...condition,
          }),
        ),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async delete(userId: string): Promise<void> {
    await orUnavailable('DynamoDB', () => this.db.send(new DeleteCommand({ TableName: this.tableName, Key: codeKey(userId) })));
  }
}
