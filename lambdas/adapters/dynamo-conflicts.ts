import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { AppError } from '../shared/errors';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * DynamoDB refuses a write that meets another in-flight transaction on the same item: a transaction is
 * cancelled with the reason `TransactionConflict`, a single-item write fails with
 * `TransactionConflictException`. Neither says anything about the data, and the SDK retries neither, so
 * every write that can meet a transaction goes through here: a conflict is retried with jittered backoff
 * a bounded number of times, and one that persists is a 503 (nothing was written), never a 500.
 * DynamoDB Local never produces either; test/integration/transaction-conflicts.test.ts injects them.
 */
export const CONFLICT_RETRIES = 4;
const BASE_DELAY_MS = 20;

/** The per-item reasons of a cancelled transaction, or undefined for any other error. */
export const cancellationReasons = (err: unknown): CancellationReason[] | undefined =>
  (err as Error | undefined)?.name === 'TransactionCanceledException'
    ? ((err as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [])
    : undefined;

export const failedCondition = (reason: CancellationReason | undefined): boolean => reason?.Code === 'ConditionalCheckFailed';

/** DynamoDB's per-item throttling reasons: capacity, not a refusal. */
const THROTTLED = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);

/** What a failed write was: refused by a condition, in conflict with another transaction, throttled, or something else. */
export type WriteFailure = 'condition' | 'conflict' | 'throttled' | 'other';

export const classifyWriteFailure = (err: unknown): WriteFailure => {
  const name = (err as Error | undefined)?.name;
  if (name === 'ConditionalCheckFailedException') return 'condition';
  if (name === 'TransactionConflictException') return 'conflict';
  const reasons = cancellationReasons(err);
  if (!reasons) return 'other';
  // A failed condition was judged against committed data: a refusal, whatever else was in flight.
  if (reasons.some(failedCondition)) return 'condition';
  if (reasons.some((r) => r.Code === 'TransactionConflict')) return 'conflict';
  if (reasons.some((r) => THROTTLED.has(r.Code ?? ''))) return 'throttled';
  return 'other';
};

/** The 503 of a write that kept meeting other transactions (or was throttled per item). */
export const contended = () =>
  new AppError(
    'DEPENDENCY_UNAVAILABLE',
    'Other requests are changing the same data right now; nothing was changed. Retry shortly.',
    { dependency: 'DynamoDB', reason: 'TransactionConflict' },
    1,
  );

/** Jittered exponential backoff (capped at 32x the base), shared by every DynamoDB write that tries again. */
export const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, BASE_DELAY_MS * 2 ** Math.min(attempt, 5) * Math.random()));

/** Runs a write, retrying it while it conflicts with another transaction; other errors pass through unchanged. */
export const retryingConflicts = async <T>(write: () => Promise<T>): Promise<T> => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      const failure = classifyWriteFailure(err);
      if (failure === 'throttled') throw contended();
      if (failure !== 'conflict') throw err;
      if (attempt >= CONFLICT_RETRIES) throw contended();
      await pause(attempt);
    }
  }
};

/**
 * One TransactWriteItems, conflicts retried: undefined once it committed, or, when a condition refused
 * it, the cancellation reasons (one per item, in order) for the caller to say which.
 */
export const transactWrite = async (db: DynamoDBDocumentClient, items: TransactItem[]): Promise<CancellationReason[] | undefined> => {
  try {
    await retryingConflicts(() => db.send(new TransactWriteCommand({ TransactItems: items })));
    return undefined;
  } catch (err) {
    if (classifyWriteFailure(err) === 'condition') return cancellationReasons(err);
    throw err;
  }
};

/** One conditional single-item write, conflicts retried: true once it landed, false when its condition refused it. */
export const conditionalWrite = async (write: () => Promise<unknown>): Promise<boolean> => {
  try {
    await retryingConflicts(write);
    return true;
  } catch (err) {
    if (classifyWriteFailure(err) === 'condition') return false;
    throw err;
  }
};

/**
 * A transaction item (Put, Update or Delete) sent as a single-item write, half the price of the same
 * write in a transaction: true once it landed, false when its condition refused it.
 */
export const writeItem = (db: DynamoDBDocumentClient, item: TransactItem): Promise<boolean> =>
  conditionalWrite(() => {
    if (item.Put) return db.send(new PutCommand(item.Put));
    if (item.Update) return db.send(new UpdateCommand(item.Update));
    if (item.Delete) return db.send(new DeleteCommand(item.Delete));
    throw new Error('writeItem: a Put, Update or Delete');
  });
