import type { QuoteView } from '../../api/quote-schemas';
import { toDecimal } from '../../domain/money';
import type { StoredQuote } from '../../domain/quotes/quote';
import type * as z from '../../shared/zod';

/** A stored quote as the API shows it: decimal amounts in its currency (the lines still sum exactly to the total). */
export const presentQuote = (quote: StoredQuote): z.output<typeof QuoteView> => {
  const money = (minor: number) => toDecimal(minor, quote.currency);
  return {
    quoteId: quote.quoteId,
    expiresAt: quote.expiresAt,
    currency: quote.currency,
    carId: quote.carId,
    location: quote.location,
    ...(quote.returnLocation ? { returnLocation: quote.returnLocation } : {}),
    pickupAt: quote.pickupAt,
    returnAt: quote.returnAt,
    lines: quote.lines.map((line) => ({
      code: line.code,
      label: line.label,
      quantity: line.quantity,
      unitAmount: money(line.unitMinor),
      amount: money(line.amountMinor),
    })),
    subtotal: money(quote.subtotalMinor),
    taxTotal: money(quote.taxTotalMinor),
    total: money(quote.totalMinor),
  };
};
