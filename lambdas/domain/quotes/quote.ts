import type { LocationCode } from '../fleet/catalog';
import type { Quote } from '../pricing';
import type { RentalTerms } from '../counter/terms';

/** How long a quote can be booked at its price. */
export const QUOTE_VALID_MS = 15 * 60_000;

/** An extra as quoted and booked: how many, and whether the location's stock of it is counted (physical items). */
export interface QuotedExtra {
  code: string;
  quantity: number;
  stocked: boolean;
}

/** A rental priced for its customer: what it is (car, times, extras, driver) and its lines. */
export interface PricedRental extends Quote {
  /** The signed-in customer it was made for; none for an anonymous caller (anyone may then book it). */
  userId?: string;
  carId: string;
  location: LocationCode;
  /** A one-way rental's return location. */
  returnLocation?: LocationCode;
  /** As resolved at the pick-up location: ISO 8601 with its offset. */
  pickupAt: string;
  returnAt: string;
  extras: QuotedExtra[];
  /** The counter's terms it is sold on (the location's rules for its car type; absent on quotes made before them). */
  terms?: RentalTerms;
  /** The age the price was made for (a young-driver fee, a minimum age), from the profile or the caller. */
  driverAge?: number;
  createdAt: string;
}

/**
 * A quote as issued (POST /v2/quotes): a priced rental, stored so a client cannot alter it; booking it
 * (POST /v2/reservations { quoteId }) charges its total while it is valid.
 */
export interface StoredQuote extends PricedRental {
  quoteId: string;
  expiresAt: string;
}

export interface QuoteStore {
  put(quote: StoredQuote): Promise<void>;
  /** Read strongly; undefined when unknown (or deleted by TTL well after it expired). */
  get(quoteId: string): Promise<StoredQuote | undefined>;
}
