import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Profile, ProfileChanges } from '../../domain/accounts/model';
import type { EmailClaim, NewEmailClaim, ProfileStore } from '../../domain/accounts/ports';
import type { SlowHash } from '../../domain/accounts/slow-hash';
import { EMAIL_TAKEN, emailTaken } from '../../domain/accounts/errors';
import { notFound } from '../../shared/errors';
import { conditionalWrite, retryingConflicts, transactWrite } from '../dynamo-conflicts';
import { orUnavailable } from '../unavailable';

/**
 * Users table items (lambdas/shared/tables.ts):
 *   USER#<sub>   / PROFILE  the profile (attributes of `Profile`), driver details included: the date of
 *                           birth and the licence (a map) are PII and are kept in this item only
 *   EMAIL#<email>/ EMAIL    the email guard: `status` pending (registration `attempt` holds it until
 *                           `heldUntil`, epoch ms) or active (it belongs to `userId`); `fingerprint`
 *                           (slow hash) of the registration request, to recognise its retries
 *   USER#<sub>   / EMAIL_CODE  the email verification code (dynamo-email-codes.ts)
 * The guard makes email uniqueness a key constraint, so it needs no index and no scan.
 */
const profileKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'PROFILE' });
const emailKey = (email: string) => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' });

export { EMAIL_TAKEN };

const toProfile = (item: Record<string, unknown>): Profile => {
  const { pk: _pk, sk: _sk, ...profile } = item;
  // Profiles written before email verification existed: Cognito has them as verified.
  return { emailVerified: true, ...profile } as unknown as Profile;
};

/** Runs a DynamoDB call; an unreachable DynamoDB becomes a 503. */
const viaDynamo = <T>(call: () => Promise<T>) => orUnavailable('DynamoDB', call);

export class DynamoProfileStore implements ProfileStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claimEmail(email: string, claim: NewEmailClaim, now: Date): Promise<EmailClaim | undefined> {
    const claimed = await viaDynamo(() =>
      conditionalWrite(() =>
        this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...emailKey(email),
              status: 'pending',
              attempt: claim.attempt,
              heldUntil: claim.heldUntil.getTime(),
              fingerprint: claim.fingerprint,
            },
            // Free, or held by a registration that has certainly ended (see domain/accounts/register.ts).
            ConditionExpression: 'attribute_not_exists(pk) OR (#status = :pending AND heldUntil < :now)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':pending': 'pending', ':now': now.getTime() },
          }),
        ),
      ),
    );
    if (claimed) return undefined;
    const { Item } = await viaDynamo(() =>
      this.db.send(new GetCommand({ TableName: this.tableName, Key: emailKey(email), ConsistentRead: true })),
    );
    // Released between the two calls: as good as taken for this attempt; its retry will find it free.
    if (!Item) throw emailTaken();
    const held = Item as { status: string; userId: string; heldUntil: number; fingerprint?: SlowHash };
    return held.status === 'active'
      ? { status: 'active', userId: held.userId, fingerprint: held.fingerprint }
      : { status: 'pending', heldUntil: held.heldUntil, fingerprint: held.fingerprint };
  }

  async releaseEmail(email: string): Promise<void> {
    // Refused when it is no longer pending (it became a user's): nothing to release.
    await viaDynamo(() =>
      conditionalWrite(() =>
        this.db.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: emailKey(email),
            ConditionExpression: '#status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':pending': 'pending' },
          }),
        ),
      ),
    );
  }

  async create(profile: Profile, attempt: string): Promise<void> {
    const refused = await viaDynamo(() =>
      transactWrite(this.db, [
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
            UpdateExpression: 'SET #status = :active, userId = :userId REMOVE heldUntil, attempt',
            ConditionExpression: '#status = :pending AND attempt = :attempt',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':active': 'active', ':pending': 'pending', ':userId': profile.userId, ':attempt': attempt },
          },
        },
      ]),
    );
    // Only if this registration outlived its claim and another attempt took the email over.
    if (refused) throw emailTaken();
  }

  async get(userId: string): Promise<Profile | undefined> {
    const { Item } = await viaDynamo(() =>
      this.db.send(new GetCommand({ TableName: this.tableName, Key: profileKey(userId), ConsistentRead: true })),
    );
    return Item ? toProfile(Item) : undefined;
  }

  async update(userId: string, changes: ProfileChanges & { mfaEnabled?: boolean; emailVerified?: boolean }, now: Date): Promise<Profile> {
    const given = Object.entries({ ...changes, updatedAt: now.toISOString() }).filter(([, v]) => v !== undefined);
    // `null` removes an attribute (a driver detail the owner takes out); nothing is stored as null.
    const fields = given.filter(([, v]) => v !== null);
    const removed = given.filter(([, v]) => v === null).map(([k]) => k);
    const remove = removed.length ? ` REMOVE ${removed.map((k) => `#${k}`).join(', ')}` : '';
    try {
      const { Attributes } = await viaDynamo(() =>
        retryingConflicts(() =>
          this.db.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: profileKey(userId),
              UpdateExpression: `SET ${fields.map(([k]) => `#${k} = :${k}`).join(', ')}${remove}`,
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: Object.fromEntries(given.map(([k]) => [`#${k}`, k])),
              ExpressionAttributeValues: Object.fromEntries(fields.map(([k, v]) => [`:${k}`, v])),
              ReturnValues: 'ALL_NEW',
            }),
          ),
        ),
      );
      return toProfile(Attributes!);
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw notFound('User');
      throw err;
    }
  }
}
