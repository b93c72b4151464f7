import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { validationError } from '../shared/errors';
import { traced } from '../shared/observability';
import { sdkClientConfig } from './aws-client';

let client: DynamoDBDocumentClient | undefined;

/**
 * One document client per function instance, reused across invocations. The endpoint comes from the
 * SDK's standard AWS_ENDPOINT_URL_DYNAMODB when set, which is how the local runtime points it at
 * DynamoDB Local without any branch here.
 */
export const documentClient = (): DynamoDBDocumentClient =>
  (client ??= DynamoDBDocumentClient.from(traced(new DynamoDBClient(sdkClientConfig())), {
    marshallOptions: { removeUndefinedValues: true },
  }));

/** Every item a Query matches, following LastEvaluatedKey from page to page. */
export const queryAll = async (
  db: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await db.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return items;
};

const BATCH_GET_MAX = 100;

/**
 * The items of these keys (table keys, e.g. what a keys-only index returns), read strongly and in the
 * keys' order; keys whose item is gone (deleted since the index was read) are left out. Unprocessed
 * keys are read again after a short pause, as the SDK's guidance for BatchGetItem asks.
 */
export const getInOrder = async (
  db: DynamoDBDocumentClient,
  tableName: string,
  keys: ReadonlyArray<{ pk: unknown; sk: unknown }>,
): Promise<Record<string, unknown>[]> => {
  const id = (k: { pk: unknown; sk: unknown }) => `${String(k.pk)}\u0000${String(k.sk)}`;
  const found = new Map<string, Record<string, unknown>>();
  const wanted = [...new Map(keys.map((k) => [id(k), { pk: k.pk, sk: k.sk }])).values()];
  for (let i = 0; i < wanted.length; i += BATCH_GET_MAX) {
    let batch: Record<string, unknown>[] = wanted.slice(i, i + BATCH_GET_MAX);
    for (let attempt = 0; batch.length; attempt++) {
      if (attempt) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      const res = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: batch, ConsistentRead: true } } }));
      for (const item of res.Responses?.[tableName] ?? []) found.set(id(item as { pk: unknown; sk: unknown }), item);
      batch = res.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return keys.map((k) => found.get(id(k))).filter((item): item is Record<string, unknown> => item !== undefined);
};

/** What a list's cursor must be: the last key of a page of this index partition, of items of this kind. */
export interface CursorShape {
  /** The index partition key and its value, e.g. `{ gsi1pk: 'USER#42' }`. */
  partition: Record<string, string>;
  /** The items' table keys: `pk` starts with `pkPrefix`, `sk` equals `sk`. */
  pkPrefix: string;
  sk: string;
}

const encodeKey = (key: Record<string, unknown>): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/** A cursor is the last key of a page of this very partition; anything else is a 400, never a 500. */
const decodeKey = (cursor: string, shape: CursorShape): Record<string, unknown> => {
  const bad = () => validationError([{ field: 'query.cursor', message: 'The cursor is malformed or belongs to another list.' }]);
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const [[indexPk, value]] = Object.entries(shape.partition);
  const indexSk = indexPk.replace(/pk$/, 'sk');
  const expected = ['pk', 'sk', indexPk, indexSk].sort().join();
  if (!key || typeof key !== 'object' || Object.keys(key).sort().join() !== expected) throw bad();
  const k = key as Record<string, unknown>;
  const wellFormed =
    Object.values(k).every((v) => typeof v === 'string' && v.length < 300) &&
    k[indexPk] === value &&
    k.sk === shape.sk &&
    String(k.pk).startsWith(shape.pkPrefix);
  if (!wellFormed) throw bad();
  return k;
};

/** One page of an index Query, with an opaque cursor that is accepted back only for the same list. */
export const queryPage = async (
  db: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  options: { limit: number; cursor?: string },
  shape: CursorShape,
): Promise<{ items: Record<string, unknown>[]; nextCursor?: string }> => {
  const res = await db.send(
    new QueryCommand({ ...input, Limit: options.limit, ExclusiveStartKey: options.cursor ? decodeKey(options.cursor, shape) : undefined }),
  );
  return { items: res.Items ?? [], nextCursor: res.LastEvaluatedKey ? encodeKey(res.LastEvaluatedKey) : undefined };
};
