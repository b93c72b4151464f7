import { randomUUID } from 'node:crypto';
import {
  GatewayUnavailable,
  type AuthoriseRequest,
  type AuthoriseResult,
  type CaptureRequest,
  type CaptureResult,
  type ChargeRequest,
  type ChargeResult,
  type ChargeSource,
  type LookupResult,
  type HoldRequest,
  type PaymentGateway,
  type RefundRequest,
  type ReleaseResult,
  type VoidResult,
} from '../../../domain/payments/gateway';

/**
 * The gateway the local runtime uses by default: no network, no account, and outcomes chosen by the
 * token the client sends, like a real gateway's test mode. It keeps the promises the real adapters
 * keep: a repeated idempotency key gives back the first answer (so a retry never charges twice), and a
 * refund can never exceed what is left of its charge.
 *
 * State lives in memory, per instance: it is a development and test double, never a production
 * gateway (nothing is charged).
 */

/**
 * `capture_fails` and `expires` are about holds (pay at pick-up, deposits): the authorisation succeeds,
 * then its capture is refused, or finds the hold lapsed. A charge with such a token succeeds.
 */
export type SandboxOutcome = 'succeeds' | 'declined' | 'unavailable' | 'times_out' | 'capture_fails' | 'expires';

export interface SandboxToken {
  /** The token, order id or wallet token to send in the payment's `details`. */
  token: string;
  /** Which kind of payment source it stands for (card token, PayPal order id, wallet token). */
  source: ChargeSource['type'];
  outcome: SandboxOutcome;
  description: string;
}

export const SANDBOX_DECLINE_REASON = 'Your card was declined.';

export const SANDBOX_CAPTURE_FAILURE = 'The sandbox refused the capture (test token).';

/**
 * The documented test tokens. Besides these exact values, any token ENDING in `_ok`, `_decline`,
 * `_fail`, `_timeout`, `_capture_fail` or `_expired` behaves as its suffix says (so `apple_pay_ok`,
 * `my_card_decline`... work too). An authorisation (a hold) follows the same tokens as a charge (`_decline`
 * declines it, `_fail` and `_timeout` make the gateway unavailable);
 * any other token is declined with a message naming the tokens that succeed. The README shows this
 * list (`GET /v1/payments/methods` lists the methods and their fields, not these tokens).
 */
export const SANDBOX_TOKENS: readonly SandboxToken[] = [
  { token: 'tok_visa', source: 'card_token', outcome: 'succeeds', description: 'A Visa test card: the charge succeeds.' },
  { token: 'tok_mastercard', source: 'card_token', outcome: 'succeeds', description: 'A Mastercard test card: the charge succeeds.' },
  {
    token: 'tok_decline',
    source: 'card_token',
    outcome: 'declined',
    description: `Declined by the issuer: 422 "${SANDBOX_DECLINE_REASON}"`,
  },
  {
    token: 'tok_fail',
    source: 'card_token',
    outcome: 'unavailable',
    description: 'The gateway is down: the fallback gateway takes the payment, or 503 when there is none.',
  },
  {
    token: 'tok_timeout',
    source: 'card_token',
    outcome: 'times_out',
    description: "The gateway does not answer in time: the router's timeout trips and the fallback (or a 503) follows.",
  },
  { token: 'order_ok', source: 'paypal_order', outcome: 'succeeds', description: 'An approved PayPal order: the capture succeeds.' },
  { token: 'order_decline', source: 'paypal_order', outcome: 'declined', description: "The payer's funding instrument is declined: 422." },
  { token: 'order_fail', source: 'paypal_order', outcome: 'unavailable', description: 'PayPal is down: fallback or 503.' },
  { token: 'order_timeout', source: 'paypal_order', outcome: 'times_out', description: 'PayPal does not answer in time: fallback or 503.' },
  {
    token: 'wallet_ok',
    source: 'wallet_token',
    outcome: 'succeeds',
    description: 'An Apple Pay or Google Pay token: the charge succeeds.',
  },
  { token: 'wallet_decline', source: 'wallet_token', outcome: 'declined', description: "The wallet's card is declined: 422." },
  { token: 'wallet_fail', source: 'wallet_token', outcome: 'unavailable', description: 'The gateway is down: fallback or 503.' },
  {
    token: 'wallet_timeout',
    source: 'wallet_token',
    outcome: 'times_out',
    description: 'The gateway does not answer in time: fallback or 503.',
  },
  {
    token: 'tok_capture_fail',
    source: 'card_token',
    outcome: 'capture_fails',
    description: `A hold is authorised, but its capture is refused ("${SANDBOX_CAPTURE_FAILURE}"); a charge succeeds.`,
  },
  {
    token: 'tok_auth_expired',
    source: 'card_token',
    outcome: 'expires',
    description: 'A hold is authorised, but has lapsed when it is captured or voided (expired); a charge succeeds.',
  },
  {
    token: 'order_capture_fail',
    source: 'paypal_order',
    outcome: 'capture_fails',
    description: 'PayPal authorises, then refuses the capture.',
  },
  {
    token: 'order_expired',
    source: 'paypal_order',
    outcome: 'expires',
    description: 'PayPal authorises, but the authorisation has lapsed at capture.',
  },
  {
    token: 'wallet_capture_fail',
    source: 'wallet_token',
    outcome: 'capture_fails',
    description: 'A wallet hold whose capture is refused.',
  },
  { token: 'wallet_expired', source: 'wallet_token', outcome: 'expires', description: 'A wallet hold that has lapsed at capture.' },
];

const SUFFIXES: readonly [string, SandboxOutcome][] = [
  // Before `_fail`, which it also ends with.
  ['_capture_fail', 'capture_fails'],
  ['_expired', 'expires'],
  ['_ok', 'succeeds'],
  ['_decline', 'declined'],
  ['_fail', 'unavailable'],
  ['_timeout', 'times_out'],
];

/** What the sandbox does with a token: an exact entry of SANDBOX_TOKENS first, then the suffix rule. */
export const sandboxOutcome = (token: string): SandboxOutcome | undefined =>
  SANDBOX_TOKENS.find((t) => t.token === token)?.outcome ?? SUFFIXES.find(([suffix]) => token.endsWith(suffix))?.[1];

export const sourceToken = (source: ChargeSource): string => (source.type === 'paypal_order' ? source.orderId : source.token);

export interface SandboxGatewayOptions {
  /**
   * How long a `_timeout` token makes the charge wait before failing as unavailable. Longer than the
   * router's timeout (8 s by default; this defaults to 30 s), so the router gives up first. The wait
   * holds no process open.
   */
  timeoutDelayMs?: number;
  /** Simulated latency of every call (default 0). */
  latencyMs?: number;
  /** When it returns true the call fails as unavailable, whatever the token (simulates an outage). */
  failWhen?: (request: ChargeRequest | RefundRequest | AuthoriseRequest | HoldRequest) => boolean;
  /** How long an authorisation holds (default 7 days, as Stripe's online card holds). */
  holdMs?: number;
  /** The clock of `expiresAt` (the local runtime's shifted clock); the machine's by default. */
  now?: () => Date;
}

type HoldState = 'authorised' | 'captured' | 'voided' | 'expired';

interface Hold {
  amountMinor: number;
  /** The token's outcome for what comes after the authorisation. */
  outcome: SandboxOutcome;
  state: HoldState;
}

interface Charge {
  reference: string;
  amountMinor: number;
  refundedMinor: number;
}

interface Remembered<T> {
  fingerprint: string;
  answer: Promise<T>;
}

/** How a hold's reference carries its token's outcome, so any sandbox instance can capture or void it. */
const HOLD_FLAGS: readonly [SandboxOutcome, string][] = [
  ['succeeds', 'ok'],
  ['capture_fails', 'cf'],
  ['expires', 'ex'],
];
const holdReference = (amountMinor: number, outcome: SandboxOutcome) =>
  `sbx_au_${amountMinor}_${HOLD_FLAGS.find(([o]) => o === outcome)?.[1] ?? 'ok'}_${randomUUID()}`;

export class SandboxIdempotencyError extends Error {
  constructor(key: string) {
    super(`sandbox: idempotency key ${key} was already used with different parameters`);
    this.name = 'SandboxIdempotencyError';
  }
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    // unref: a pending test-token wait never keeps a process (or a test run) alive.
    if (ms > 0) setTimeout(resolve, ms).unref();
    else resolve();
  });

export class SandboxGateway implements PaymentGateway {
  readonly id = 'sandbox' as const;
  /** Keyed by idempotency key; the answer is remembered from the first call, so concurrent repeats share it. */
  private readonly charges = new Map<string, Remembered<ChargeResult>>();
  private readonly refunds = new Map<string, Remembered<{ reference: string }>>();
  private readonly chargesByReference = new Map<string, Charge>();
  private readonly authorisations = new Map<string, Remembered<AuthoriseResult>>();
  private readonly holdCalls = new Map<string, Remembered<CaptureResult | VoidResult | ReleaseResult>>();
  private readonly holds = new Map<string, Hold>();
  private readonly timeoutDelayMs: number;
  private readonly latencyMs: number;

  constructor(private readonly options: SandboxGatewayOptions = {}) {
    this.timeoutDelayMs = options.timeoutDelayMs ?? 30_000;
    this.latencyMs = options.latencyMs ?? 0;
  }

  charge(request: ChargeRequest): Promise<ChargeResult> {
    // Only the amount, currency and source define "the same charge": the description is free text.
    const fingerprint = JSON.stringify([request.amountMinor, request.currency, request.source]);
    return this.once(this.charges, request.idempotencyKey, fingerprint, () => this.decide(request));
  }

  /** What this instance answered for the key (memory is per instance: another instance says `unknown`). */
  async lookup(request: { idempotencyKey: string }): Promise<LookupResult> {
    const answer = this.charges.get(request.idempotencyKey)?.answer;
    return answer ? answer.catch(() => ({ outcome: 'unknown' as const })) : { outcome: 'unknown' };
  }

  /** A `_fail` or `_timeout` test token fails because the client chose so, not because the sandbox is down. */
  simulatesFailure(request: ChargeRequest | AuthoriseRequest): boolean {
    const outcome = sandboxOutcome(sourceToken(request.source));
    return outcome === 'unavailable' || outcome === 'times_out';
  }

  refund(request: RefundRequest): Promise<{ reference: string }> {
    const fingerprint = JSON.stringify([request.reference, request.amountMinor, request.currency]);
    return this.once(this.refunds, request.idempotencyKey, fingerprint, async () => {
      if (this.options.failWhen?.(request)) throw new GatewayUnavailable(this.id, 'simulated outage');
      const charge = this.chargesByReference.get(request.reference) ?? this.adopt(request.reference);
      if (!charge) throw new Error(`sandbox: no charge ${request.reference} to refund`);
      if (!Number.isInteger(request.amountMinor) || request.amountMinor <= 0)
        throw new Error('sandbox: a refund amount must be a positive integer');
      const left = charge.amountMinor - charge.refundedMinor;
      if (request.amountMinor > left) {
        throw new Error(`sandbox: refund of ${request.amountMinor} exceeds what is left of charge ${request.reference} (${left})`);
      }
      // Booked before the (simulated) latency, so two concurrent refunds cannot both pass the check.
      charge.refundedMinor += request.amountMinor;
      await sleep(this.latencyMs);
      return { reference: `sbx_re_${randomUUID()}` };
    });
  }

  authorise(request: AuthoriseRequest): Promise<AuthoriseResult> {
    const fingerprint = JSON.stringify([request.amountMinor, request.currency, request.source]);
    return this.once(this.authorisations, request.idempotencyKey, fingerprint, async () => {
      const decided = await this.decide(request);
      if (decided.outcome === 'declined') return decided;
      const outcome = sandboxOutcome(sourceToken(request.source))!;
      const reference = holdReference(request.amountMinor, outcome);
      this.holds.set(reference, { amountMinor: request.amountMinor, outcome, state: 'authorised' });
      const expiresAt = new Date((this.options.now?.() ?? new Date()).getTime() + (this.options.holdMs ?? 7 * 86_400_000));
      return { outcome: 'authorised', reference, expiresAt: expiresAt.toISOString() };
    });
  }

  capture(request: CaptureRequest): Promise<CaptureResult> {
    return this.onHold('capture', request, [request.amountMinor], async (hold) => {
      if (hold.state === 'expired' || hold.outcome === 'expires') return this.lapse(hold);
      if (hold.state !== 'authorised') throw new Error(`sandbox: cannot capture a ${hold.state} authorisation ${request.reference}`);
      if (!Number.isInteger(request.amountMinor) || request.amountMinor <= 0 || request.amountMinor > hold.amountMinor)
        throw new Error(`sandbox: a capture must be a positive integer of at most ${hold.amountMinor}`);
      if (hold.outcome === 'capture_fails') return { outcome: 'failed', reason: SANDBOX_CAPTURE_FAILURE };
      hold.state = 'captured';
      // A charge reference, so the captured amount can be refunded like any charge.
      const reference = `sbx_ch_${request.amountMinor}_${randomUUID()}`;
      this.chargesByReference.set(reference, { reference, amountMinor: request.amountMinor, refundedMinor: 0 });
      return { outcome: 'captured', reference };
    });
  }

  void(request: HoldRequest): Promise<VoidResult> {
    return this.onHold('void', request, [], async (hold) => {
      if (hold.state === 'expired' || hold.outcome === 'expires') return this.lapse(hold);
      if (hold.state === 'captured') throw new Error(`sandbox: cannot void the captured authorisation ${request.reference}`);
      hold.state = 'voided';
      return { outcome: 'voided' };
    });
  }

  release(request: HoldRequest): Promise<ReleaseResult> {
    return this.onHold('release', request, [], async (hold) => {
      if (hold.state === 'authorised') hold.state = hold.outcome === 'expires' ? 'expired' : 'voided';
      return { outcome: 'released' };
    });
  }

  /** What became of a hold (for tests): undefined for a reference this instance never saw. */
  holdState(reference: string): HoldState | undefined {
    return this.holds.get(reference)?.state;
  }

  private lapse(hold: Hold): { outcome: 'expired' } {
    hold.state = 'expired';
    return { outcome: 'expired' };
  }

  /** A capture, void or release: once per idempotency key, on a hold this or another instance authorised. */
  private onHold<T extends CaptureResult | VoidResult | ReleaseResult>(
    operation: string,
    request: HoldRequest,
    parameters: unknown[],
    work: (hold: Hold) => Promise<T>,
  ): Promise<T> {
    const fingerprint = JSON.stringify([operation, request.reference, request.currency, ...parameters]);
    return this.once(this.holdCalls, request.idempotencyKey, fingerprint, async () => {
      await sleep(this.latencyMs);
      if (this.options.failWhen?.(request)) throw new GatewayUnavailable(this.id, 'simulated outage');
      const hold = this.holds.get(request.reference) ?? this.adoptHold(request.reference);
      if (!hold) throw new Error(`sandbox: no authorisation ${request.reference}`);
      return work(hold);
    }) as Promise<T>;
  }

  /** As `adopt`, for an authorisation another instance made: its amount and token outcome are in its reference. */
  private adoptHold(reference: string): Hold | undefined {
    const m = /^sbx_au_(\d{1,15})_(\w+?)_[0-9a-f-]{36}$/.exec(reference);
    const outcome = m && HOLD_FLAGS.find(([, flag]) => flag === m[2])?.[0];
    if (!m || !outcome) return undefined;
    const hold: Hold = { amountMinor: Number(m[1]), outcome, state: 'authorised' };
    this.holds.set(reference, hold);
    return hold;
  }

  /** What is left to refund of a charge (for tests and the local runtime's pages). */
  refundable(reference: string): number | undefined {
    const charge = this.chargesByReference.get(reference);
    return charge && charge.amountMinor - charge.refundedMinor;
  }

  private async decide(request: ChargeRequest | AuthoriseRequest): Promise<ChargeResult> {
    await sleep(this.latencyMs);
    if (this.options.failWhen?.(request)) throw new GatewayUnavailable(this.id, 'simulated outage');
    const outcome = sandboxOutcome(sourceToken(request.source));
    if (outcome === 'unavailable') throw new GatewayUnavailable(this.id, 'simulated failure (test token)');
    if (outcome === 'times_out') {
      await sleep(this.timeoutDelayMs);
      throw new GatewayUnavailable(this.id, `no answer within ${this.timeoutDelayMs} ms (test token)`);
    }
    if (outcome === 'declined') return { outcome: 'declined', reason: SANDBOX_DECLINE_REASON };
    if (outcome === undefined) {
      // GET /v1/payments/methods lists methods and their fields, not test tokens: name those that succeed.
      return {
        outcome: 'declined',
        reason:
          'Unknown sandbox test token: use tok_visa, order_ok or wallet_ok in the fields GET /v1/payments/methods lists (README "Payments" lists every test token).',
      };
    }
    // The amount is part of the reference, so any sandbox instance can refund the charge (see adopt).
    const reference = `sbx_ch_${request.amountMinor}_${randomUUID()}`;
    this.chargesByReference.set(reference, { reference, amountMinor: request.amountMinor, refundedMinor: 0 });
    return { outcome: 'succeeded', reference };
  }

  /**
   * A charge another sandbox instance made: memory is per instance, but in AWS the refund functions are
   * not the payment function, and locally a restart (with a data dir) forgets every charge. A real
   * gateway knows its charges wherever it is called from, so a well-formed sandbox reference is taken at
   * its word (its amount is in it); what was refunded elsewhere is unknown here, and the payments
   * database keeps the refunds within the charge.
   */
  private adopt(reference: string): Charge | undefined {
    const m = /^sbx_ch_(\d{1,15})_[0-9a-f-]{36}$/.exec(reference);
    if (!m) return undefined;
    const charge: Charge = { reference, amountMinor: Number(m[1]), refundedMinor: 0 };
    this.chargesByReference.set(reference, charge);
    return charge;
  }

  /**
   * Runs `work` once per idempotency key: a repeat (even while the first is in flight) gets the same
   * answer, a repeat with other parameters is refused. Failures are forgotten, so a retry after an
   * outage or an error runs again (gateways do not keep an answer for a request they never took).
   */
  private once<T>(memory: Map<string, Remembered<T>>, key: string, fingerprint: string, work: () => Promise<T>): Promise<T> {
    const previous = memory.get(key);
    if (previous) {
      if (previous.fingerprint !== fingerprint) return Promise.reject(new SandboxIdempotencyError(key));
      return previous.answer;
    }
    const entry: Remembered<T> = { fingerprint, answer: work() };
    memory.set(key, entry);
    entry.answer.catch(() => {
      if (memory.get(key) === entry) memory.delete(key);
    });
    return entry.answer;
  }
}
