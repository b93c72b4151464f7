import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { DynamoQuoteStore, QUOTE_KEPT_AFTER_EXPIRY_MS, quoteKey } from '../../lambdas/adapters/quotes/quote-store';
import type { StoredQuote } from '../../lambdas/domain/quotes/quote';
import { testTables, type TestTables } from '../support/aws-services';

// The quote adapter against DynamoDB Local: one item per quote in the reservations table, written once,
// read strongly, with the table's TTL a day after the quote lapses.
let aws: TestTables;
let db: DynamoDBDocumentClient;
let store: DynamoQuoteStore;

beforeAll(async () => {
  aws = await testTables();
  ({ db } = aws);
  store = new DynamoQuoteStore(db, aws.names.reservations);
});

afterAll(async () => {
  await aws?.drop();
});

const quoteOf = (more: Partial<StoredQuote> = {}): StoredQuote => ({
  quoteId: randomUUID(),
  userId: 'user-1',
  carId: randomUUID(),
  location: 'LAX',
  returnLocation: 'SEA',
  pickupAt: '2027-07-01T10:00:00-07:00',
  returnAt: '2027-07-03T10:00:00-07:00',
  extras: [
    { code: 'CHILD_SEAT', quantity: 1, stocked: true },
    { code: 'CDW', quantity: 1, stocked: false },
  ],
  driverAge: 23,
  currency: 'USD',
  lines: [
    { code: 'BASE', label: '2 days', quantity: 2, unitMinor: 4000, amountMinor: 8000 },
    { code: 'TAX:SALES', label: 'Sales tax', quantity: 1, unitMinor: 710, amountMinor: 710 },
  ],
  subtotalMinor: 8000,
  taxTotalMinor: 710,
  totalMinor: 8710,
  createdAt: '2027-06-01T12:00:00.000Z',
  expiresAt: '2027-06-01T12:15:00.000Z',
  ...more,
});

describe('DynamoQuoteStore', () => {
  it('stores a quote as issued and reads it back exactly', async () => {
    const quote = quoteOf();
    await store.put(quote);
    expect(await store.get(quote.quoteId)).toEqual(quote);
  });

  it('keeps an anonymous quote without a user, and optional parts left out', async () => {
    const { userId: _user, returnLocation: _ret, driverAge: _age, ...anonymous } = quoteOf();
    await store.put(anonymous);
    expect(await store.get(anonymous.quoteId)).toEqual(anonymous);
  });

  it('an unknown id is undefined', async () => {
    expect(await store.get(randomUUID())).toBeUndefined();
  });

  it('sets the table’s TTL (epoch seconds) a day after the quote lapses, under QUOTE#<id>', async () => {
    const quote = quoteOf();
    await store.put(quote);
    const { Item } = await db.send(new GetCommand({ TableName: aws.names.reservations, Key: quoteKey(quote.quoteId) }));
    expect(Item).toMatchObject({ pk: `QUOTE#${quote.quoteId}`, sk: 'QUOTE' });
    expect(Item!.expiresAt).toBe((Date.parse(quote.expiresAt) + QUOTE_KEPT_AFTER_EXPIRY_MS) / 1000);
  });

  it('never rewrites an issued quote (the same id twice is refused)', async () => {
    const quote = quoteOf();
    await store.put(quote);
    await expect(store.put({ ...quote, totalMinor: 1 })).rejects.toThrow();
    expect((await store.get(quote.quoteId))!.totalMinor).toBe(quote.totalMinor);
  });
});
