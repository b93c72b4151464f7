import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { GatewayId } from '../../domain/payments/gateway';
import type { IdempotencyClaim, Payment, PaymentStore, Refund, StoredResponse } from '../../domain/payments/ports';

/**
 * Payments in PostgreSQL (Aurora through RDS Proxy in AWS). Money is integer minor units; the partial
 * unique index `payments_one_live_per_reservation` makes a second live payment of one reservation
 * impossible whatever races; `refunded_minor <= amount_minor` is a CHECK. Every statement is one round
 * trip: multi-row changes are single statements with data-modifying CTEs, not client transactions.
 */
type Row = Record<string, unknown>;

const toPayment = (r: Row): Payment => ({
  paymentId: String(r.payment_id),
  reservationId: String(r.reservation_id),
  userId: String(r.user_id),
  amountMinor: Number(r.amount_minor),
  currency: String(r.currency),
  method: String(r.method),
  ...(r.gateway ? { gateway: String(r.gateway) as GatewayId } : {}),
  ...(r.gateway_reference ? { gatewayReference: String(r.gateway_reference) } : {}),
  status: String(r.status) as Payment['status'],
  ...(r.decline_reason ? { declineReason: String(r.decline_reason) } : {}),
  refundedMinor: Number(r.refunded_minor),
  ...(r.change_id ? { changeId: String(r.change_id) } : {}),
  createdAt: new Date(r.created_at as string).toISOString(),
});

const toRefund = (r: Row): Refund => ({
  refundId: String(r.refund_id),
  paymentId: String(r.payment_id),
  amountMinor: Number(r.amount_minor),
  reason: String(r.reason),
  source: String(r.source) as Refund['source'],
  status: String(r.status) as Refund['status'],
  createdAt: new Date(r.created_at as string).toISOString(),
});

/**
 * A client's Idempotency-Key is stored as its SHA-256 (hex), never as sent: a client may put anything in
 * it, a card number included. migrations/0002 hashed the keys stored before, the same way.
 */
export const keyDigest = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

export const UNIQUE_VIOLATION = '23505';
const CHECK_VIOLATION = '23514';

export class PostgresPaymentStore implements PaymentStore {
  constructor(private readonly pool: () => Promise<Pool>) {}

  private async query(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await (await this.pool()).query(sql, params)).rows as Row[];
  }

  async claimKey(userId: string, rawKey: string, requestHash: string): Promise<IdempotencyClaim> {
    const key = keyDigest(rawKey);
    const inserted = await this.query(
      `INSERT INTO idempotency_keys (user_id, key, request_hash, status) VALUES ($1, $2, $3, 'in_progress')
       ON CONFLICT (user_id, key) DO NOTHING RETURNING key`,
      [userId, key, requestHash],
    );
    if (inserted.length) return { kind: 'claimed' };
    const [row] = await this.query(
      'SELECT request_hash, status, response_status, response_body FROM idempotency_keys WHERE user_id = $1 AND key = $2',
      [userId, key],
    );
    if (!row) return this.claimKey(userId, rawKey, requestHash); // released meanwhile
    if (row.request_hash !== requestHash) return { kind: 'mismatch' };
    if (row.status !== 'done') return { kind: 'inProgress' };
    return { kind: 'replay', response: { status: Number(row.response_status), body: row.response_body } };
  }

  async releaseKey(userId: string, key: string): Promise<void> {
    await this.query(`DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status = 'in_progress'`, [userId, keyDigest(key)]);
  }

  async answerKey(userId: string, key: string, response: StoredResponse): Promise<void> {
    await this.query(
      `UPDATE idempotency_keys SET status = 'done', response_status = $3, response_body = $4::jsonb WHERE user_id = $1 AND key = $2`,
      [userId, keyDigest(key), response.status, JSON.stringify(response.body)],
    );
  }

  async begin(p: Payment, idempotencyKey: string): Promise<boolean> {
    try {
      await this.query(
        `INSERT INTO payments (payment_id, reservation_id, user_id, amount_minor, currency, method, status, idempotency_key, created_at, change_id)
         VALUES ($1, $2, $3, $4, $5, $6, 'processing', $7, $8, $9)`,
        [
          p.paymentId,
          p.reservationId,
          p.userId,
          p.amountMinor,
          p.currency,
          p.method,
          keyDigest(idempotencyKey),
          p.createdAt,
          p.changeId ?? null,
        ],
      );
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) return false;
      throw err;
    }
  }

  async succeed(p: Payment, response: (p: Payment) => StoredResponse): Promise<boolean> {
    const answer = response(p);
    // One statement, so one atomic change: the payment, its outbox event and the stored answer of the
    // key the payment was made with.
    const rows = await this.query(
      `WITH paid AS (
         UPDATE payments SET status = 'succeeded', gateway = $2, gateway_reference = $3, updated_at = now()
         WHERE payment_id = $1 AND status = 'processing' RETURNING payment_id, reservation_id, user_id, idempotency_key
       ), event AS (
         INSERT INTO outbox (event_type, payload)
         SELECT 'PaymentSucceeded', jsonb_build_object('paymentId', payment_id, 'reservationId', reservation_id) FROM paid
       ), answered AS (
         UPDATE idempotency_keys k SET status = 'done', response_status = $4, response_body = $5::jsonb
         FROM paid WHERE k.user_id = paid.user_id AND k.key = paid.idempotency_key
       )
       SELECT payment_id FROM paid`,
      [p.paymentId, p.gateway, p.gatewayReference, answer.status, JSON.stringify(answer.body)],
    );
    return rows.length > 0;
  }

  async finish(p: Payment, status: 'declined' | 'failed', declineReason: string | undefined, response?: StoredResponse): Promise<boolean> {
    // With an answer, the key replays it; without one (nothing happened), the key is free again.
    const rows = await this.query(
      `WITH done AS (
         UPDATE payments SET status = $2, gateway = $3, decline_reason = $4, updated_at = now()
         WHERE payment_id = $1 AND status = 'processing' RETURNING payment_id, user_id, idempotency_key
       ), answered AS (
         UPDATE idempotency_keys k SET status = 'done', response_status = $5, response_body = $6::jsonb
         FROM done WHERE $5::int IS NOT NULL AND k.user_id = done.user_id AND k.key = done.idempotency_key
       ), released AS (
         DELETE FROM idempotency_keys k USING done
         WHERE $5::int IS NULL AND k.user_id = done.user_id AND k.key = done.idempotency_key AND k.status = 'in_progress'
       )
       SELECT payment_id FROM done`,
      [p.paymentId, status, p.gateway ?? null, declineReason ?? null, response?.status ?? null, JSON.stringify(response?.body ?? null)],
    );
    return rows.length > 0;
  }

  async get(paymentId: string): Promise<Payment | undefined> {
    const [row] = await this.query('SELECT * FROM payments WHERE payment_id = $1', [paymentId]);
    return row ? toPayment(row) : undefined;
  }

  async stuck(createdBefore: string, limit: number): Promise<Payment[]> {
    const rows = await this.query(`SELECT * FROM payments WHERE status = 'processing' AND created_at < $1 ORDER BY created_at LIMIT $2`, [
      createdBefore,
      limit,
    ]);
    return rows.map(toPayment);
  }

  async byReservation(reservationId: string): Promise<{ payments: Payment[]; refunds: Refund[] }> {
    const rows = await this.query(
      `SELECT 'payment' AS kind, to_jsonb(p) AS row FROM payments p WHERE reservation_id = $1
       UNION ALL
       SELECT 'refund', to_jsonb(r) FROM refunds r JOIN payments p USING (payment_id) WHERE p.reservation_id = $1`,
      [reservationId],
    );
    const payments = rows.filter((r) => r.kind === 'payment').map((r) => toPayment(r.row as Row));
    const refunds = rows.filter((r) => r.kind === 'refund').map((r) => toRefund(r.row as Row));
    const byTime = <T extends { createdAt: string }>(a: T, b: T) => a.createdAt.localeCompare(b.createdAt);
    return { payments: payments.sort(byTime), refunds: refunds.sort(byTime) };
  }

  async beginRefund(refund: Refund, idempotencyKey: string) {
    const [existing] = await this.query('SELECT * FROM refunds WHERE idempotency_key = $1', [idempotencyKey]);
    if (existing && existing.status !== 'failed') return { kind: 'exists' as const, refund: toRefund(existing) };
    // Record the refund and reserve its amount in one statement, the reservation driven by the row
    // written: a key whose refund is under way or done writes no row (ON CONFLICT ... WHERE failed), so
    // it reserves nothing (before, a concurrent repeat reserved the amount twice and reset the refund to
    // processing). The payments CHECK (refunded_minor <= amount_minor) aborts the whole statement when a
    // concurrent refund took what was left, so no refund row is left without its reservation.
    const rows = await this.query(
      `WITH recorded AS (
         INSERT INTO refunds (refund_id, payment_id, amount_minor, reason, source, status, idempotency_key, created_at)
         SELECT $1, payment_id, $3, $4, $5, 'processing', $6, $7 FROM payments
         WHERE payment_id = $2 AND status = 'succeeded' AND refunded_minor + $3 <= amount_minor
         ON CONFLICT (idempotency_key) DO UPDATE SET status = 'processing', amount_minor = EXCLUDED.amount_minor, updated_at = now()
         WHERE refunds.status = 'failed'
         RETURNING *
       ), reserved AS (
         UPDATE payments p SET refunded_minor = p.refunded_minor + r.amount_minor, updated_at = now()
         FROM recorded r WHERE p.payment_id = r.payment_id
       )
       SELECT * FROM recorded`,
      [refund.refundId, refund.paymentId, refund.amountMinor, refund.reason, refund.source, idempotencyKey, refund.createdAt],
    ).catch((err: { code?: string }) => {
      if (err.code === UNIQUE_VIOLATION || err.code === CHECK_VIOLATION) return [] as Row[];
      throw err;
    });
    if (rows.length) return { kind: 'started' as const, refund: toRefund(rows[0]) };
    const [again] = await this.query('SELECT * FROM refunds WHERE idempotency_key = $1', [idempotencyKey]);
    if (again && again.status !== 'failed') return { kind: 'exists' as const, refund: toRefund(again) };
    const [payment] = await this.query('SELECT amount_minor - refunded_minor AS left FROM payments WHERE payment_id = $1', [
      refund.paymentId,
    ]);
    return { kind: 'exceeds' as const, left: Number(payment?.left ?? 0) };
  }

  async finishRefund(refund: Refund, outcome: { succeeded: true; reference: string } | { succeeded: false }): Promise<void> {
    if (outcome.succeeded) {
      await this.query(`UPDATE refunds SET status = 'succeeded', gateway_reference = $2, updated_at = now() WHERE refund_id = $1`, [
        refund.refundId,
        outcome.reference,
      ]);
      return;
    }
    // Failed: the reserved amount is available again.
    await this.query(
      `WITH failed AS (UPDATE refunds SET status = 'failed', updated_at = now() WHERE refund_id = $1 AND status = 'processing' RETURNING payment_id, amount_minor)
       UPDATE payments p SET refunded_minor = p.refunded_minor - f.amount_minor FROM failed f WHERE p.payment_id = f.payment_id`,
      [refund.refundId],
    );
  }

  async pendingEvents(limit: number, paymentId?: string) {
    // The partial index on unpublished ids keeps the filter (a payment's or an authorisation's events) to the
    // (short) undelivered backlog.
    const rows = await this.query(
      `SELECT id, event_type, payload FROM outbox WHERE published_at IS NULL AND ($2::text IS NULL OR payload->>'paymentId' = $2 OR payload->>'authorisationId' = $2)
       ORDER BY id LIMIT $1`,
      [limit, paymentId ?? null],
    );
    return rows.map((r) => ({ id: String(r.id), type: String(r.event_type), payload: r.payload as Record<string, unknown> }));
  }

  async markDelivered(id: string): Promise<void> {
    await this.query('UPDATE outbox SET published_at = now() WHERE id = $1', [id]);
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.query('UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [id, error.slice(0, 500)]);
  }
}
