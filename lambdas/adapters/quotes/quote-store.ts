import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { QuoteStore, StoredQuote } from '../../domain/quotes/quote';

/** A day: how long a lapsed quote stays readable (GET shows it expired, booking answers QUOTE_EXPIRED) before TTL removes it. */
export const QUOTE_KEPT_AFTER_EXPIRY_MS = 24 * 3_600_000;

/**
 * Quotes in the reservations table (docs/data-model.md), one item each, written once and never changed:
 *   quote  pk QUOTE#<quoteId>  sk QUOTE  `quote` (the StoredQuote as issued), `expiresAt` (the table's TTL,
 *                                        epoch seconds: a day after the quote lapses)
 * Beside the reservations a quote is booked into, so booking reads it from the table it already uses.
 * The quote is kept whole in one attribute: the TTL attribute's name is the table's, and the quote's own
 * `expiresAt` (an ISO time) must not be mistaken for it.
 */
export const quoteKey = (quoteId: string) => ({ pk: `QUOTE#${quoteId}`, sk: 'QUOTE' });

export class DynamoQuoteStore implements QuoteStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(quote: StoredQuote): Promise<void> {
    const purgeMs = Date.parse(quote.expiresAt) + QUOTE_KEPT_AFTER_EXPIRY_MS;
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...quoteKey(quote.quoteId), quote, expiresAt: Math.ceil(purgeMs / 1000) },
        // A quote is issued once: a repeated id would rewrite what a customer was shown.
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(quoteId: string): Promise<StoredQuote | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: quoteKey(quoteId), ConsistentRead: true }));
    return Item?.quote as StoredQuote | undefined;
  }
}
