import { AppError, conflict, dependencyUnavailable, notFound, validationError } from '../../shared/errors';
import { keyReused } from '../idempotency';
import { isCurrencyCode } from '../money';
import { AllGatewaysUnavailable, GatewayUnavailable, type CurrencyCode } from './gateway';
import type { Authorisation, HoldDeps, HoldKind, HoldOperation, HoldOperationKind, OperationOutcome } from './hold-ports';
import { chosenMethod } from './methods';

/**
 * Holds, once-only as a payment is (pay.ts): each step records itself `processing` first, calls the
 * gateway with our idempotency key, then writes its final state and outbox event in one transaction.
 * Each takes the caller's idempotency key: a retry with it replays what the first attempt did (or
 * finishes it), and the same key for another request is refused (IDEMPOTENCY_MISMATCH).
 *
 * A hold ends once: by a capture (all or part; the gateway releases the rest), a void (nothing taken) or
 * a deposit's release (part captured for the return's charges, or nothing, the rest released). The
 * database lets one such operation per hold be in flight or done, so nothing is ever captured twice,
 * and a capture never races a void.
 *
 * Errors (AppError kinds, mapped to HTTP by the routes): 422 PAYMENT_DECLINED with a `code`
 * (`AUTHORISATION_DECLINED`, `CAPTURE_FAILED`, `AUTHORISATION_EXPIRED`); 409 CONFLICT (a live hold of that
 * kind already, a step in progress, a hold already ended); 503 when the gateway cannot be reached (a
 * retry with the same key goes on; a void or release is also retried by the reconciler).
 */

/** The payment method and its details, as POST /v1/payments takes them (a card token, a PayPal order...). */
export interface HoldSource {
  paymentMethod: string;
  details: unknown;
}

export interface AuthoriseOrder {
  reservation: { reservationId: string; userId: string };
  amountMinor: number;
  /** ISO 4217; USD when left out. */
  currency?: CurrencyCode;
  kind: HoldKind;
  source: HoldSource;
  /** The caller's key, scoped by reservation: e.g. the pick-up request's Idempotency-Key plus the kind. */
  idempotencyKey: string;
}

/**
 * What a capture, void or release leaves: the hold as it is now, and the step that ended it (none for
 * a void or release of a hold that had lapsed, found so by a refused capture).
 */
export interface HoldResult {
  authorisation: Authorisation;
  operation?: HoldOperation;
}

const declinedHold = (code: string, message: string, details: Record<string, unknown>) =>
  new AppError('PAYMENT_DECLINED', message, details, undefined, code);

const amountIssue = (message: string) => validationError([{ field: 'body.amount', message }]);

/**
 * Holds `amountMinor` on the source through the method's gateways (primary, then fallback, as a
 * charge). Returns the authorisation (status `authorised`, with `expiresAt`). A reservation has at most
 * one live hold per kind: a second, under another key, is 409 even when the two race.
 */
export const authorise = async (deps: HoldDeps, order: AuthoriseOrder): Promise<Authorisation> => {
  const { method, details } = chosenMethod(order.source.paymentMethod, order.source.details);
  const currency = order.currency ?? 'USD';
  if (!Number.isSafeInteger(order.amountMinor) || order.amountMinor <= 0) throw amountIssue('Must be a positive amount in minor units.');
  if (!isCurrencyCode(currency)) throw validationError([{ field: 'body.currency', message: 'Must be an ISO 4217 currency code.' }]);
  const draft: Authorisation = {
    authorisationId: deps.newId(),
    reservationId: order.reservation.reservationId,
    userId: order.reservation.userId,
    kind: order.kind,
    amountMinor: order.amountMinor,
    capturedMinor: 0,
    currency,
    method: method.id,
    status: 'processing',
    createdAt: deps.clock.now().toISOString(),
  };
  const begun = await deps.holds.beginAuthorisation(draft, order.idempotencyKey);
  const found = begun.authorisation;
  if (begun.kind === 'live') {
    throw conflict(`This reservation already has a ${order.kind} hold.`, { authorisationId: found.authorisationId, status: found.status });
  }
  if (found.kind !== draft.kind || found.amountMinor !== draft.amountMinor || found.currency !== currency || found.method !== method.id)
    throw keyReused('authorisation');
  if (begun.kind === 'exists') return settledAuthorisation(found);

  let authorised;
  try {
    authorised = await deps.gateways.authorise(method.gateways, {
      amountMinor: found.amountMinor,
      currency,
      source: method.source(details),
      idempotencyKey: `auth_${found.authorisationId}`,
      description: `Car rental reservation ${found.reservationId} (${found.kind})`,
    });
  } catch (err) {
    if (!(err instanceof AllGatewaysUnavailable)) throw err; // left processing: the reconciler settles it
    await deps.holds.finishAuthorisation(found.authorisationId, { status: 'failed' });
    throw dependencyUnavailable('payment gateway', 30);
  }
  const { gateway, result } = authorised;
  const settled = await deps.holds.finishAuthorisation(
    found.authorisationId,
    result.outcome === 'authorised'
      ? { status: 'authorised', gateway, reference: result.reference, expiresAt: result.expiresAt }
      : { status: 'declined', gateway, reason: result.reason },
  );
  return settledAuthorisation(settled ?? (await deps.holds.getAuthorisation(found.authorisationId))!);
};

/** What an authorisation's key answers: the hold, or the error it ended in. */
const settledAuthorisation = (a: Authorisation): Authorisation => {
  if (a.status === 'processing') throw conflict('This authorisation is in progress; retry in a moment to get its answer.');
  if (a.status === 'declined')
    throw declinedHold('AUTHORISATION_DECLINED', `The authorisation was declined: ${a.declineReason ?? 'declined'}`, {
      authorisationId: a.authorisationId,
      reason: a.declineReason,
    });
  return a;
};

/** Takes `amountMinor` of the hold (all of it when left out); the gateway releases the rest. */
export const capture = (deps: HoldDeps, authorisationId: string, idempotencyKey: string, amountMinor?: number): Promise<HoldResult> =>
  operate(deps, authorisationId, 'capture', amountMinor, idempotencyKey);

/** Cancels a hold nothing was taken of. A hold already voided or lapsed is answered as it is. */
export const voidAuthorisation = (deps: HoldDeps, authorisationId: string, idempotencyKey: string): Promise<HoldResult> =>
  operate(deps, authorisationId, 'void', 0, idempotencyKey);

/**
 * A deposit's end: captures `captureMinor` for the return's charges (none by default) and releases the
 * rest. A capture refused by the gateway leaves the hold authorised (422 CAPTURE_FAILED): release it
 * with no capture and collect the charges another way.
 */
export const releaseDeposit = (deps: HoldDeps, authorisationId: string, idempotencyKey: string, captureMinor = 0): Promise<HoldResult> =>
  operate(deps, authorisationId, 'release', captureMinor, idempotencyKey);

const operate = async (
  deps: HoldDeps,
  authorisationId: string,
  kind: HoldOperationKind,
  amount: number | undefined,
  idempotencyKey: string,
): Promise<HoldResult> => {
  const hold = await deps.holds.getAuthorisation(authorisationId);
  if (!hold) throw notFound(`Authorisation ${authorisationId}`);
  const amountMinor = amount ?? hold.amountMinor;
  if (!Number.isSafeInteger(amountMinor) || amountMinor < (kind === 'capture' ? 1 : 0))
    throw amountIssue(kind === 'capture' ? 'Must be a positive amount in minor units.' : 'Must be an amount in minor units (0 or more).');
  if (amountMinor > hold.amountMinor) throw amountIssue(`At most the ${hold.amountMinor} held.`);
  const draft: HoldOperation = {
    operationId: deps.newId(),
    authorisationId,
    kind,
    amountMinor,
    status: 'processing',
    attempts: 1,
    createdAt: deps.clock.now().toISOString(),
  };
  const begun = await deps.holds.beginOperation(draft, `${authorisationId}:${idempotencyKey}`);
  switch (begun.kind) {
    case 'exceeds':
      throw amountIssue(`At most the ${begun.amountMinor} held.`);
    case 'ended':
      return endedAlready(begun.authorisation, begun.operation, kind);
    case 'busy':
      throw conflict(`A ${begun.operation.kind} of this hold is in progress.`, { operationId: begun.operation.operationId });
    case 'exists': {
      const op = begun.operation;
      if (op.kind !== kind || op.amountMinor !== amountMinor) throw keyReused(`${kind} of this hold`);
      if (op.status === 'processing') throw conflict(`This ${kind} is in progress; retry in a moment to get its answer.`);
      return answer(deps, op);
    }
    case 'started':
      await runOperation(deps, hold, begun.operation);
      return answer(deps, (await deps.holds.getOperation(begun.operation.operationId))!);
  }
};

/**
 * A void or release of a hold that already ended without being captured (voided, lapsed) is done: the
 * hold as it is. Anything else on an ended hold is 409 with its status.
 */
const endedAlready = (hold: Authorisation, ending: HoldOperation | undefined, kind: HoldOperationKind): HoldResult => {
  if (kind !== 'capture' && (hold.status === 'voided' || hold.status === 'expired'))
    return { authorisation: hold, ...(ending ? { operation: ending } : {}) };
  throw conflict(
    `This hold is ${hold.status}: it cannot be ${kind === 'capture' ? 'captured' : kind === 'void' ? 'voided' : 'released'}.`,
    {
      authorisationId: hold.authorisationId,
      status: hold.status,
      capturedMinor: hold.capturedMinor,
    },
  );
};

/** What a settled operation answers, the first time and on every replay. */
const answer = async (deps: HoldDeps, operation: HoldOperation): Promise<HoldResult> => {
  const authorisation = (await deps.holds.getAuthorisation(operation.authorisationId))!;
  if (operation.status === 'processing') throw conflict(`This ${operation.kind} is in progress; retry in a moment to get its answer.`);
  if (operation.status === 'failed') throw dependencyUnavailable('payment gateway', 30);
  if (operation.status === 'refused') {
    const expired = authorisation.status === 'expired';
    throw declinedHold(
      expired ? 'AUTHORISATION_EXPIRED' : 'CAPTURE_FAILED',
      expired
        ? 'The hold lapsed before it was captured: nothing was taken.'
        : `The capture was refused: ${operation.failureReason ?? 'refused'}`,
      { authorisationId: authorisation.authorisationId, operationId: operation.operationId, reason: operation.failureReason },
    );
  }
  return { authorisation, operation };
};

/**
 * Calls the gateway holding the authorisation for one processing operation and records the outcome.
 * The gateway's key is `<kind>_<operationId>_<attempt>`: a crash retried by the reconciler replays the
 * same call; a restart after `failed` is a new attempt (Stripe keeps a 500 under its key), which the
 * adapters make safe by judging the hold's state when the gateway says it already ended.
 */
export const runOperation = async (deps: HoldDeps, hold: Authorisation, op: HoldOperation): Promise<void> => {
  if (!hold.gateway || !hold.gatewayReference) throw new Error(`authorisation ${hold.authorisationId} has no gateway reference`);
  const request = {
    reference: hold.gatewayReference,
    currency: hold.currency,
    idempotencyKey: `${op.kind}_${op.operationId}_${op.attempts}`,
  };
  let outcome: OperationOutcome;
  try {
    outcome = await gatewayStep(deps, hold, op, request);
  } catch (err) {
    if (!(err instanceof GatewayUnavailable)) throw err; // left processing: the reconciler asks again
    await deps.holds.finishOperation(op, { status: 'failed', failureReason: err.message });
    throw dependencyUnavailable('payment gateway', 30);
  }
  await deps.holds.finishOperation(op, outcome);
};

const gatewayStep = async (
  deps: HoldDeps,
  hold: Authorisation,
  op: HoldOperation,
  request: { reference: string; currency: string; idempotencyKey: string },
): Promise<OperationOutcome> => {
  const gateway = hold.gateway!;
  if (op.kind === 'capture' || op.amountMinor > 0) {
    const result = await deps.gateways.capture(gateway, { ...request, amountMinor: op.amountMinor });
    if (result.outcome === 'failed') return { status: 'refused', failureReason: result.reason };
    if (result.outcome === 'expired')
      return { status: 'refused', failureReason: 'expired', authorisation: 'expired', event: 'HoldExpired' };
    return {
      status: 'succeeded',
      gatewayReference: result.reference,
      authorisation: op.amountMinor === hold.amountMinor ? 'captured' : 'partially_captured',
      event: 'HoldCaptured',
    };
  }
  if (op.kind === 'void') {
    const result = await deps.gateways.void(gateway, request);
    return result.outcome === 'expired'
      ? { status: 'succeeded', authorisation: 'expired', event: 'HoldExpired' }
      : { status: 'succeeded', authorisation: 'voided', event: 'HoldVoided' };
  }
  await deps.gateways.release(gateway, request);
  return { status: 'succeeded', authorisation: 'voided', event: 'HoldVoided' };
};
