import { createHash } from 'node:crypto';
import { AppError, conflict, notFound, unprocessable, validationError } from '../../shared/errors';
import type { Car } from '../fleet/car';
import { periodOf } from '../fleet/interval';
import { stockFits } from '../fleet/stock';
import type { PaymentSource } from '../money';
import type { ExtraChoice, QuoteLine } from '../pricing';
import { sumMinor } from '../pricing/lines';
import { resolveRentalTimes, type RentalTimes } from '../rental-time';
import type { RentalSales } from '../quotes/sales';
import { refusalOf } from './decide';
import { reservationFor, refuseTransition, tell, type Actor, type LifecycleDeps } from './lifecycle';
import { bookingLimits, limitRefusal, type BookingLimits, type CustomerUsage } from './limits';
import { changeKeeps, confirmedDueMs, HANDOVER_CLAIM_MS, returnMs } from './policy';
import type { BookingDeps, ChangeStore } from './ports';
import { REJECTION_REASONS, carIntervalOf, intervalOf, type ChangedTerms, type PendingChange, type Reservation } from './reservation';
import { sellRental } from './request';

/**
 * Changes and extensions (PATCH /v2/reservations/{id}): a Confirmed rental's times and extras before
 * its pick-up, an Active one's return (an extension). The change is re-priced as a booking would be
 * (the driver judged again for the new return) and goes through the same no-overbooking decision, in
 * three steps, so that at no moment is the car free to others or held by two reservations, and a change
 * that fails leaves the reservation exactly as it was:
 *
 *   1. claim: the change written on the reservation and, in the same transaction, the new interval (and
 *      extras) held beside the old one by a second block, conditional on the calendars it was judged on;
 *   2. money: a higher price is charged (the difference, on the rental's own payment method, once per
 *      change); a declined card undoes the claim;
 *   3. land: the reservation takes its new terms and its block the new interval, conditional on the
 *      claim; then a lower price is refunded (what the policy gives back: `changeFeeMinor`), and the
 *      claim is cleared.
 *
 * A retry of the same change by the same caller resumes it (each money step is keyed by the change);
 * a claim left by a crash yields after HANDOVER_CLAIM_MS to whoever comes next, who finishes it if it
 * had landed, or gives its money back and undoes it if not. While a change is under way no cancel,
 * hand-over or no-show moves the reservation.
 */

/** The money of a change (the payments capability implements it on its payments and refunds). */
export interface ChangeMoney {
  /**
   * Charges what the reservation, as changed, adds to what was paid for it (the difference, on
   * `source`: the rental's own payment method), once per `changeId`: a retry replays. 422 PAYMENT_DECLINED,
   * 503 when no gateway answers (nothing taken).
   */
  charge(changed: Reservation, changeId: string, source: PaymentSource | undefined): Promise<{ chargedMinor: number }>;
  /** Refunds what was paid above the reservation's total as changed, once per `changeId`. */
  refund(changed: Reservation, changeId: string): Promise<{ refundedMinor: number }>;
  /** Gives back what a change that never landed charged, once. */
  undo(reservation: Reservation, changeId: string): Promise<void>;
}

export interface ChangeDeps extends LifecycleDeps {
  reservations: ChangeStore;
  cars: Pick<BookingDeps['cars'], 'get'>;
  stock?: BookingDeps['stock'];
  sales: RentalSales;
  limits?: BookingLimits;
  money: ChangeMoney;
}

export interface ChangeInput {
  /** Local date-times at the pick-up location, as booking takes them. */
  pickupAt?: string;
  returnAt?: string;
  /** The extras the rental takes from now on (all of them: [] drops every extra). */
  extras?: ExtraChoice[];
  /** Pays a change that raises the price (the rental's own payment method). */
  payment?: PaymentSource;
}

/** What a change did, besides the reservation as it now is. */
export interface ChangeOutcome {
  reservation: Reservation;
  /** Nothing to change: the reservation already had these terms. */
  unchanged: boolean;
  chargedMinor: number;
  refundedMinor: number;
}

const ATTEMPTS = 3;

const sameExtras = (a: readonly ExtraChoice[] | undefined, b: readonly ExtraChoice[] | undefined): boolean => {
  const key = (list: readonly ExtraChoice[] | undefined) =>
    JSON.stringify([...(list ?? [])].map(({ code, quantity }) => [code, quantity]).sort());
  return key(a) === key(b);
};

/** Whether `to` is the rental asked for (a retry of the same change, or a change already made). */
const isAsked = (to: Pick<Reservation, 'pickupAt' | 'returnAt' | 'extras'>, times: RentalTimes, extras: ExtraChoice[] | undefined) =>
  to.pickupAt === times.pickupAt && to.returnAt === times.returnAt && sameExtras(to.extras, extras);

const fresh = (change: PendingChange, nowMs: number) => Date.parse(change.at) > nowMs - HANDOVER_CLAIM_MS;

/** The rental as a change of it asks: the times and extras given, the others as they are. Refused as booking refuses them. */
const askedRental = (deps: ChangeDeps, r: Reservation, input: ChangeInput, nowMs: number) => {
  const limits = deps.limits ?? bookingLimits();
  const resolved = resolveRentalTimes(
    { pickupAt: input.pickupAt ?? r.pickupAt!, returnAt: input.returnAt ?? r.returnAt! },
    r.car.location,
    nowMs,
    { maxDays: limits.maxRentalDays, horizonDays: limits.horizonDays },
    { pickupKept: pickupKept(r, input) },
  );
  if (!resolved.ok) {
    throw validationError(resolved.problems.map((p) => ({ field: `body.${p.field}`, message: p.message, rule: p.rule })));
  }
  const extras = input.extras ?? r.extras?.map(({ code, quantity }) => ({ code, quantity }));
  return { times: resolved.times, extras };
};

/** A change that leaves the pick-up as booked does not judge it again (it may be close, or past: the car is out). */
const pickupKept = (r: Reservation, input: ChangeInput) => r.status === 'Active' || input.pickupAt === undefined;

/** 409 unless the reservation can take this change: a v2 rental, Confirmed, or Active for a later return only. */
const mayChange = (r: Reservation, input: ChangeInput) => {
  if (!r.pickupAt) {
    throw conflict('A v1 reservation (whole days) cannot be changed: cancel it and book again.', undefined, 'NOT_A_V2_RENTAL');
  }
  if (r.status === 'Active') {
    if (input.pickupAt !== undefined || input.extras !== undefined) {
      throw conflict('The car is out: only the return time can be changed now (an extension).', { status: r.status }, 'RENTAL_STARTED');
    }
    return;
  }
  if (r.status !== 'Confirmed') throw refuseTransition(r, 'changed');
};

/** The change's terms: re-sold as a booking would be; a lower price keeps what the policy keeps, as a CHANGE_FEE line. */
const changedTerms = async (
  deps: ChangeDeps,
  actor: Actor,
  r: Reservation,
  car: Car,
  times: RentalTimes,
  extras: ExtraChoice[] | undefined,
  now: Date,
): Promise<ChangedTerms> => {
  const sold = await sellRental(deps, r.userId, car, times, {
    extras,
    returnLocation: r.returnLocation,
    pickupKept: pickupKept(r, { pickupAt: times.pickupAt === r.pickupAt ? undefined : times.pickupAt }),
  });
  if (!sold) throw new Error('A change is re-priced by the sales rules (deps.sales).');
  const by = actor.isAdmin && actor.userId !== r.userId ? 'admin' : 'customer';
  const { keptMinor, feeMinor } = changeKeeps(r, sold.totalMinor, now, by);
  const fee: QuoteLine[] = feeMinor
    ? [
        {
          code: 'CHANGE_FEE',
          label: 'Kept under the cancellation policy',
          quantity: 1,
          unitMinor: feeMinor,
          amountMinor: feeMinor,
        },
      ]
    : [];
  const lines = [...sold.lines, ...fee];
  const totalMinor = sumMinor(lines);
  return {
    pickupAt: times.pickupAt,
    returnAt: times.returnAt,
    readyAt: times.readyAt,
    ...periodOf(times.window),
    price: { currency: sold.currency, dailyMinor: Math.round(totalMinor / times.days), days: times.days, totalMinor },
    lines,
    ...(sold.extras.length ? { extras: sold.extras } : {}),
    ...(keptMinor ? { keptMinor } : {}),
  };
};

/** The new interval's refusal on the car as read (its own blocks aside), or the extras it cannot have. */
const judge = async (deps: ChangeDeps, r: Reservation, to: ChangedTerms, car: Car | undefined, nowMs: number) => {
  const changed: Reservation = { ...r, ...to };
  const refusal = refusalOf(car, changed, nowMs);
  if (refusal) {
    throw conflict(`The change cannot be made: ${REJECTION_REASONS[refusal]}`, { reason: refusal }, refusal);
  }
  const stocked = (to.extras ?? []).filter((e) => e.stocked);
  if (stocked.length === 0) return [];
  if (!deps.stock) throw new Error('A change with stocked extras needs the extras stock (deps.stock).');
  const stock = deps.stock;
  const [counts, calendars] = await Promise.all([
    stock.counts(r.car.location),
    Promise.all(stocked.map((e) => stock.calendar(r.car.location, e.code))),
  ]);
  const short = stocked.filter(
    (e, i) => !stockFits(calendars[i], intervalOf(changed), e.quantity, counts[e.code] ?? 0, nowMs, r.reservationId),
  );
  if (short.length) {
    throw conflict(
      `The change cannot be made: ${REJECTION_REASONS.EXTRA_UNAVAILABLE}`,
      { reason: 'EXTRA_UNAVAILABLE', extras: short.map((e) => e.code) },
      'EXTRA_UNAVAILABLE',
    );
  }
  return calendars;
};

/** The change's id: the reservation as it was and what is asked of it, so a retry of the same change finds its own money. */
const changeIdOf = (r: Reservation, to: ChangedTerms) =>
  createHash('sha256')
    .update(JSON.stringify([r.reservationId, r.updatedAt, to.pickupAt, to.returnAt, to.extras ?? [], to.price.totalMinor]))
    .digest('base64url')
    .slice(0, 22);

const busy = () =>
  conflict('Another change or hand-over of this reservation is under way; retry in a moment.', undefined, 'CHANGE_IN_PROGRESS');

/**
 * PATCH /v2/reservations/{id}: the owner (or an admin acting for them) changes a rental. Answers the
 * reservation as changed, with what was charged or refunded; a change to what the reservation already
 * is changes nothing.
 */
export const changeReservation = async (
  deps: ChangeDeps,
  actor: Actor,
  reservationId: string,
  input: ChangeInput,
): Promise<ChangeOutcome> => {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const r = await reservationFor(deps, actor, reservationId);
    const now = deps.clock.now();
    const nowMs = now.getTime();
    mayChange(r, input);
    const { times, extras } = askedRental(deps, r, input, nowMs);
    if (r.status === 'Active' && times.returnMs < returnMs(r)) {
      throw unprocessable(
        [
          {
            field: 'body.returnAt',
            rule: 'EXTENSION_ONLY',
            message: `The car is out: its return can only move later than ${r.returnAt} (an earlier return is recorded at the counter).`,
          },
        ],
        'The car is out: its return can only move later (an extension).',
      );
    }
    if (r.change) {
      const mine = r.change.by === actor.userId && isAsked(r.change.to, times, extras);
      if (mine || !fresh(r.change, nowMs) || r.change.landed) {
        if (mine) return carryOut(deps, r, r.change, input.payment, now);
        // Someone else's, left by a crash: finish it if it landed, else give its money back and undo it.
        await settleLeftover(deps, r, r.change, now);
        continue;
      }
      throw busy();
    }
    if (isAsked(r, times, extras)) return { reservation: r, unchanged: true, chargedMinor: 0, refundedMinor: 0 };

    const car = await deps.cars.get(r.carId, true);
    if (!car) throw notFound(`Car ${r.carId}`);
    const to = await changedTerms(deps, actor, r, car, times, extras, now);
    const stock = await judge(deps, r, to, car, nowMs);
    const change: PendingChange = { changeId: changeIdOf(r, to), by: actor.userId, at: now.toISOString(), to };
    // Searches take the new interval as held from now on (fleet/ports.ts), until the claim is written or refused.
    const wanted = carIntervalOf({ ...r, ...to });
    await deps.cache.calendarChanging(r.carId, wanted);
    let claimed;
    try {
      // The customer's limits, judged on their other bookings as a new request's would be.
      const admit = (others: CustomerUsage[]) => limitRefusal(others, intervalOf({ ...r, ...to }), now, deps.limits ?? bookingLimits());
      claimed = await deps.reservations.claimChange(
        r,
        change,
        { car, stock, admit },
        now,
        new Date(nowMs - HANDOVER_CLAIM_MS).toISOString(),
      );
    } finally {
      await deps.cache.calendarChanged(r.car.location, r.carId, claimed?.kind === 'claimed' ? wanted : undefined, true);
    }
    if (claimed.kind === 'claimed') return carryOut(deps, r, change, input.payment, now);
    if (claimed.kind === 'refused') {
      const { code, message, reservationIds } = claimed.refused;
      throw conflict(message, { reservations: reservationIds }, code);
    }
    if (claimed.kind === 'busy' && attempt === ATTEMPTS - 1) throw busy();
    // The calendar or the customer's usage changed since judged, or the reservation did: read again, judge again.
  }
  throw busy();
};

/** Steps 2 and 3 of a claimed change (or of one resumed). */
const carryOut = async (
  deps: ChangeDeps,
  r: Reservation,
  change: PendingChange,
  payment: PaymentSource | undefined,
  now: Date,
): Promise<ChangeOutcome> => {
  const changed: Reservation = { ...r, ...change.to, updatedAt: now.toISOString() };
  let chargedMinor = 0;
  if (!change.landed) {
    if (change.to.price.totalMinor > r.price.totalMinor) {
      try {
        ({ chargedMinor } = await deps.money.charge(changed, change.changeId, payment));
      } catch (err) {
        // Declined, no payment given, or no gateway: nothing was taken, so the reservation goes back to
        // what it was. Not a 409: that is this change's payment under way in another attempt of it.
        if (!(err instanceof AppError && err.kind === 'CONFLICT')) await releaseClaim(deps, r, change, now);
        throw err;
      }
    }
    const committed = await deps.reservations.commitChange(r, change, now, r.status === 'Confirmed' ? confirmedDueMs(changed) : undefined);
    await deps.cache.calendarChanged(r.car.location, r.carId, spanOf(r, changed));
    if (!committed && !(await landedAlready(deps, r.reservationId, change.changeId))) {
      // The claim went stale and was taken over (or the reservation moved on): the change did not happen.
      await deps.money.undo(r, change.changeId);
      throw busy();
    }
  }
  const { refundedMinor } =
    change.to.price.totalMinor < r.price.totalMinor || change.landed
      ? await deps.money.refund(changed, change.changeId)
      : { refundedMinor: 0 };
  await deps.reservations.releaseChange(changed, change, now);
  const { change: _done, ...result } = changed;
  await tell(deps, 'ReservationChanged', result, now);
  return { reservation: result, unchanged: false, chargedMinor, refundedMinor };
};

/** Whether the change landed in another attempt of it (the same change sent twice at once): then it is done, not undone. */
const landedAlready = async (deps: ChangeDeps, reservationId: string, changeId: string): Promise<boolean> => {
  const current = await deps.reservations.get(reservationId);
  return current?.changeIds?.includes(changeId) === true;
};

/** Ends a change's claim and its second blocks (undone, or left by a crash once its money is settled). */
const releaseClaim = async (deps: ChangeDeps, r: Reservation, change: PendingChange, now: Date) => {
  await deps.reservations.releaseChange(r, change, now);
  await deps.cache.calendarChanged(r.car.location, r.carId, spanOf(r, { ...r, ...change.to }));
};

/** A change a crash left: finished if it landed (its refund), else its money given back and the claim undone. */
const settleLeftover = async (deps: ChangeDeps, r: Reservation, change: PendingChange, now: Date) => {
  if (change.landed) await deps.money.refund(r, change.changeId);
  else await deps.money.undo(r, change.changeId);
  await releaseClaim(deps, r, change, now);
};

/** The time whose availability a change touched: both intervals. */
const spanOf = (a: Reservation, b: Reservation) => {
  const [x, y] = [carIntervalOf(a), carIntervalOf(b)];
  return { fromMs: Math.min(x.fromMs, y.fromMs), readyMs: Math.max(x.readyMs, y.readyMs) };
};
