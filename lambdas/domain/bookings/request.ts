import { conflict, forbidden, notFound, unprocessable, validationError } from '../../shared/errors';
import type { PricedRental, StoredQuote } from '../quotes/quote';
import type { Car } from '../fleet/car';
import { toDecimal } from '../money';
import { logger } from '../../shared/logger';
import type { Period } from '../fleet/period';
import { idempotencyClaim, keyReused, requestHash as hash } from '../idempotency';
import type { LocationCode } from '../fleet/catalog';
import type { ExtraChoice } from '../pricing';
import { dayInterval, periodOf } from '../fleet/interval';
import { resolveRentalTimes, type RentalTimes, type RentalTimesInput } from '../rental-time';
import { bookingLimits, bookingPeriodProblems, limitRefusal, type BookingLimits } from './limits';
import { DECIDE_WITHIN_MS, firstLookMs, noShowMs, PAY_AT_PICKUP_WITHIN_MS, rentalDays, REQUEST_DEDUP_MS } from './policy';
import type { BookingDeps, RequestClaim } from './ports';
import { isFinal, type PaymentOption, type Reservation } from './reservation';

export interface BookingRequest {
  /** The caller (Cognito sub) and where to tell them about the decision. */
  userId: string;
  email?: string;
  /** A `userId` the client put in the body: it must be the caller's own. */
  claimedUserId?: string;
  /** The car (none when a quote names it). */
  carId?: string;
  /** v1: whole UTC days. */
  period?: Period;
  /** v2: local date-times at the car's location (checked once the car, and so its location, is known). */
  times?: RentalTimesInput;
  /** v2: a quote to book at its price (its car, times and extras); instead of `carId` and `times`. */
  quoteId?: string;
  /** v2: pay now (the default) or at pick-up (PAY_AT_PICKUP_WITHIN_MS). */
  paymentOption?: PaymentOption;
  idempotencyKey?: string;
  correlationId?: string;
}

/**
 * The keys that make a request idempotent: the client's Idempotency-Key (24 hours), and always the
 * user, car and dates (5 minutes), so a double click or a retry without a key books once.
 */
const claimsFor = (req: BookingRequest & { carId: string }, what: readonly string[], nowMs: number): RequestClaim[] => {
  const fingerprint = hash(req.carId, ...what);
  return [
    { key: `REQ#${fingerprint}`, fingerprint, until: nowMs + REQUEST_DEDUP_MS },
    ...(req.idempotencyKey ? [idempotencyClaim(req.idempotencyKey, fingerprint, nowMs)] : []),
  ];
};

/**
 * What a request books: v1's days as they are; v2's times read and checked at the car's location,
 * with the UTC days they touch as the period (history order, limits, v1's views of a v2 booking).
 */
const rentalOf = (
  req: BookingRequest,
  location: LocationCode,
  now: Date,
  limits: BookingLimits,
): { period: Period; days: number; times?: RentalTimes } => {
  if (req.period) return { period: req.period, days: rentalDays(req.period.startDate, req.period.endDate) };
  if (!req.times) throw new Error('A booking request names its days (v1) or its times (v2).');
  const resolved = resolveRentalTimes(req.times, location, now.getTime(), {
    maxDays: limits.maxRentalDays,
    horizonDays: limits.horizonDays,
  });
  if (!resolved.ok) {
    throw validationError(resolved.problems.map((p) => ({ field: `body.${p.field}`, message: p.message, rule: p.rule })));
  }
  const { times } = resolved;
  return { period: periodOf(times.window), days: times.days, times };
};

/**
 * POST /reservations: validates, prices the stay from the car's current price (the reservation keeps
 * that snapshot: the price quoted is the price charged), writes it as Requested and queues it for the
 * worker. A repeat of the same request returns the reservation it made (sent to the queue again if it
 * is still undecided; the queue deduplicates by reservation id).
 */
export const requestBooking = async (
  deps: Pick<BookingDeps, 'reservations' | 'cars' | 'queue' | 'clock' | 'newId' | 'limits' | 'holdMs' | 'quotes' | 'sales'>,
  req: BookingRequest,
): Promise<{ reservation: Reservation; replayed: boolean }> => {
  if (req.claimedUserId !== undefined && req.claimedUserId !== req.userId) {
    throw forbidden('You can only book for yourself: userId must be your own (or left out).');
  }
  const now = deps.clock.now();
  const limits = deps.limits ?? bookingLimits();
  if (req.period) {
    const problems = bookingPeriodProblems(req.period, now, limits);
    if (problems.length) throw validationError(problems.map((p) => ({ field: `body.${p.field}`, message: p.message })));
  }

  const quote = req.quoteId ? await quoteToBook(deps, req.quoteId, req.userId, now) : undefined;
  const carId = quote?.carId ?? req.carId;
  if (!carId) throw validationError([{ field: 'body.carId', message: 'Required (or book a quote: quoteId).' }]);
  const car = await deps.cars.get(carId);
  if (!car || car.status !== 'active') throw notFound(`Car ${carId}`);

  const { period, days, times } = rentalOf(
    quote ? { ...req, carId, times: { pickupAt: quote.pickupAt, returnAt: quote.returnAt } } : req,
    car.location,
    now,
    limits,
  );
  const sold = times ? await sellRental(deps, req.userId, car, times, { quote }) : undefined;
  const at = now.toISOString();
  let reservation: Reservation = {
    reservationId: deps.newId(),
    userId: req.userId,
    contactEmail: req.email,
    carId: car.carId,
    ...period,
    ...(times ? { pickupAt: times.pickupAt, returnAt: times.returnAt, readyAt: times.readyAt } : {}),
    status: 'Requested',
    // What was sold is what is charged: the daily figure is what v1's views show beside it.
    price: sold
      ? { currency: sold.currency, dailyMinor: Math.round(sold.totalMinor / days), days, totalMinor: sold.totalMinor }
      : { currency: 'USD', dailyMinor: car.pricePerDayMinor, days, totalMinor: car.pricePerDayMinor * days },
    ...(sold
      ? {
          ...(quote ? { quoteId: quote.quoteId } : {}),
          lines: sold.lines,
          ...(sold.extras.length ? { extras: sold.extras } : {}),
          ...(sold.returnLocation ? { returnLocation: sold.returnLocation } : {}),
          ...(sold.terms ? { terms: sold.terms } : {}),
          ...(req.paymentOption ? { paymentOption: req.paymentOption } : {}),
        }
      : {}),
    car: { make: car.make, model: car.model, year: car.year, type: car.type, location: car.location },
    createdAt: at,
    updatedAt: at,
  };
  if (reservation.paymentOption === 'payAtPickup' && noShowMs(reservation) > now.getTime() + PAY_AT_PICKUP_WITHIN_MS) {
    throw unprocessable(
      [
        {
          field: 'body.paymentOption',
          message: `Pay at pick-up is for rentals picked up within ${Math.floor(PAY_AT_PICKUP_WITHIN_MS / 86_400_000)} days (a card authorisation lapses after 7): choose payNow.`,
          rule: 'PAY_AT_PICKUP_TOO_FAR',
        },
      ],
      'Pay at pick-up is not possible this far ahead: choose payNow.',
    );
  }
  // The same user, car and times name the same request (v1: its days; v2: its instants; a quote: itself).
  const claims = claimsFor(
    { ...req, carId },
    quote ? [`QUOTE#${quote.quoteId}`] : times ? [String(times.pickupMs), String(times.returnMs)] : [period.startDate, period.endDate],
    now.getTime(),
  );
  let supersede: string | undefined;
  for (let attempt = 1; ; attempt++) {
    const outcome = await deps.reservations.create(reservation, claims, firstLookMs(now.getTime(), deps.holdMs), {
      supersede,
      admit: (usage) => limitRefusal(usage, times ? times.window : dayInterval(period), now, limits),
      // Until decided (the decision replaces it), at most its window and the hold a late decision gives:
      // should the hold's own count never be written, this one still covers it.
      countsUntil: now.getTime() + DECIDE_WITHIN_MS + deps.holdMs,
    });
    if (outcome.created) {
      reservation = { ...reservation, reservationId: outcome.reservationId };
      break;
    }
    if ('refused' in outcome) {
      const { code, message, reservationIds } = outcome.refused;
      throw conflict(message, { reservations: reservationIds }, code);
    }
    if (outcome.fingerprint !== claims[0].fingerprint) {
      throw keyReused('booking request');
    }
    const existing = await deps.reservations.get(outcome.reservationId);
    if (!existing) throw conflict('The same request is being processed; retry in a moment.');
    // Without an Idempotency-Key, the same user, car and dates name the same request only while it is
    // under way: once it has ended (cancelled, rejected, expired) asking again is a new booking, not a
    // replay of the old outcome. (The same key always replays: that is what the client asked for.)
    if (isFinal(existing.status) && outcome.key === claims[0].key && attempt < 3) {
      supersede = existing.reservationId;
      continue;
    }
    // Heals a first attempt whose message was lost: the queue drops a duplicate of one it still has.
    if (existing.status === 'Requested')
      await deps.queue.send({ reservationId: existing.reservationId, carId: existing.carId, correlationId: req.correlationId });
    return { reservation: existing, replayed: true };
  }

  try {
    await deps.queue.send({ reservationId: reservation.reservationId, carId: reservation.carId, correlationId: req.correlationId });
  } catch (err) {
    // Nothing may wait in Requested for a message that never left: undo, so the client's retry starts
    // afresh. If even the undo fails, the sweeper sends it again (a later decision, never none).
    await deps.reservations.discard(reservation, claims).catch((undo: Error) =>
      logger.error('could not discard an unsent booking request; the sweeper will resend it', {
        reservationId: reservation.reservationId,
        error: undo,
      }),
    );
    throw err;
  }
  return { reservation, replayed: false };
};

/** What is sold besides the car and times: a quote booked, or the extras and return location priced now. */
export interface RentalOffer {
  quote?: StoredQuote;
  extras?: ExtraChoice[];
  returnLocation?: LocationCode;
  /** A booked rental re-sold with its pick-up as it was (change.ts): the pick-up is not judged again. */
  pickupKept?: boolean;
}

/**
 * v2 sells a rental at a quote's price and only to a driver the location's rules allow: the quote the
 * client booked, or the rental priced now from its times exactly as a quote would be (its lines are
 * kept); a change re-sells the changed rental the same way. Refused with a 422 naming each rule the driver's profile breaks (`driverProblems`: minimum
 * age, licence valid until the return, the details those rules need); an anonymous quote whose driver
 * age prices otherwise than the booker's (a young-driver fee) is a 409 QUOTE_DRIVER_MISMATCH. Without
 * `sales` (store-level tests and benches), a rental by times is priced from the car's daily price and no
 * driver is checked.
 */
export const sellRental = async (
  deps: Pick<BookingDeps, 'sales'>,
  userId: string,
  car: Car,
  times: RentalTimes,
  offer: RentalOffer,
): Promise<PricedRental | undefined> => {
  const { quote } = offer;
  if (!deps.sales) return quote;
  const { pickupMs, returnMs, profile } = times;
  const driver = await deps.sales.driver(userId, {
    carType: car.type,
    location: car.location,
    pickupMs,
    returnMs,
    timeZone: profile.timeZone,
  });
  const { problems } = driver;
  if (problems.length) throw unprocessable(problems, problems.map((problem) => problem.message).join(' '));
  // An anonymous quote was priced for the age its caller said, or none: it sells at its price to a driver
  // whose own age gives that price (the young-driver fee charged or not alike); anyone else quotes again.
  if (quote && quote.userId === undefined && quote.lines.some((line) => line.code === 'YOUNG_DRIVER') !== driver.youngDriver) {
    throw conflict(
      driver.youngDriver
        ? "This quote has no young-driver fee, which your profile's age needs: quote again signed in, for your price."
        : "This quote has a young-driver fee your profile's age does not: quote again signed in, for your price.",
      { quoteId: quote.quoteId },
      'QUOTE_DRIVER_MISMATCH',
    );
  }
  return (
    quote ??
    deps.sales.price(
      userId,
      {
        carId: car.carId,
        pickupAt: times.pickupAt,
        returnAt: times.returnAt,
        ...(offer.extras?.length ? { extras: offer.extras } : {}),
        ...(offer.returnLocation ? { returnLocation: offer.returnLocation } : {}),
      },
      { pickupKept: offer.pickupKept === true },
    )
  );
};

/**
 * The quote a request books: the caller's (or an anonymous one), still valid. A lapsed one is a 409
 * `QUOTE_EXPIRED`, with a fresh quote for the same rental when the deployment can make one (`sales.requote`),
 * so the client sees the price it would book at now.
 */
const quoteToBook = async (
  deps: Pick<BookingDeps, 'quotes' | 'sales'>,
  quoteId: string,
  userId: string,
  now: Date,
): Promise<StoredQuote> => {
  const quote = await deps.quotes?.get(quoteId);
  if (!quote || (quote.userId !== undefined && quote.userId !== userId)) throw notFound(`Quote ${quoteId}`);
  if (Date.parse(quote.expiresAt) <= now.getTime()) {
    const fresh = await deps.sales?.requote(quote, userId).catch(() => undefined);
    throw conflict(
      `Quote ${quoteId} expired at ${quote.expiresAt}; book a fresh quote.`,
      {
        quoteId,
        expiredAt: quote.expiresAt,
        ...(fresh
          ? {
              freshQuote: {
                quoteId: fresh.quoteId,
                currency: fresh.currency,
                total: toDecimal(fresh.totalMinor, fresh.currency),
                expiresAt: fresh.expiresAt,
              },
            }
          : {}),
      },
      'QUOTE_EXPIRED',
    );
  }
  return quote;
};

/**
 * `Prefer: wait=N`: reads the reservation until the worker has decided it or the time is up (strongly
 * consistent reads, backing off from 50 ms to 500 ms).
 */
export const awaitDecision = async (
  deps: Pick<BookingDeps, 'reservations'>,
  reservation: Reservation,
  waitMs: number,
): Promise<Reservation> => {
  const deadline = Date.now() + waitMs;
  let current = reservation;
  for (let pause = 50; current.status === 'Requested' && Date.now() + pause < deadline; pause = Math.min(500, pause * 1.5)) {
    await new Promise((resolve) => setTimeout(resolve, pause));
    current = (await deps.reservations.get(reservation.reservationId)) ?? current;
  }
  return current;
};
