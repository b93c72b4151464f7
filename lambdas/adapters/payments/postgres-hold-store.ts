import type { Pool } from 'pg';
import type { GatewayId } from '../../domain/payments/gateway';
import type { Authorisation, AuthorisationOutcome, HoldOperation, HoldStore, OperationOutcome } from '../../domain/payments/hold-ports';
import { keyDigest, UNIQUE_VIOLATION } from './postgres-payment-store';

/**
 * Holds in PostgreSQL (migrations/0003): `authorisations` and the `authorisation_operations` that end
 * them. The database keeps the once-only rules whatever races: one live hold per reservation and kind
 * (`authorisations_one_live`), one operation per hold in flight or done
 * (`authorisation_operations_one_live`), never more captured than held (a CHECK). As the payment store,
 * every change is one statement (data-modifying CTEs), its outbox event included.
 */
type Row = Record<string, unknown>;

const iso = (value: unknown) => new Date(value as string).toISOString();

const toAuthorisation = (r: Row): Authorisation => ({
  authorisationId: String(r.authorisation_id),
  reservationId: String(r.reservation_id),
  userId: String(r.user_id),
  kind: String(r.kind) as Authorisation['kind'],
  amountMinor: Number(r.amount_minor),
  capturedMinor: Number(r.captured_minor),
  currency: String(r.currency),
  method: String(r.method),
  ...(r.gateway ? { gateway: String(r.gateway) as GatewayId } : {}),
  ...(r.gateway_reference ? { gatewayReference: String(r.gateway_reference) } : {}),
  status: String(r.status) as Authorisation['status'],
  ...(r.decline_reason ? { declineReason: String(r.decline_reason) } : {}),
  ...(r.expires_at ? { expiresAt: iso(r.expires_at) } : {}),
  createdAt: iso(r.created_at),
});

const toOperation = (r: Row): HoldOperation => ({
  operationId: String(r.operation_id),
  authorisationId: String(r.authorisation_id),
  kind: String(r.kind) as HoldOperation['kind'],
  amountMinor: Number(r.amount_minor),
  status: String(r.status) as HoldOperation['status'],
  attempts: Number(r.attempts),
  ...(r.failure_reason ? { failureReason: String(r.failure_reason) } : {}),
  ...(r.gateway_reference ? { gatewayReference: String(r.gateway_reference) } : {}),
  createdAt: iso(r.created_at),
});

const LIVE = `status IN ('processing', 'authorised')`;

/** A reservation's holds, oldest first: on its own, for a function that only reads them (a change's money). */
export const authorisationsOf = async (pool: () => Promise<Pool>, reservationId: string): Promise<Authorisation[]> => {
  const { rows } = await (
    await pool()
  ).query('SELECT * FROM authorisations WHERE reservation_id = $1 ORDER BY created_at, authorisation_id', [reservationId]);
  return (rows as Row[]).map(toAuthorisation);
};

export class PostgresHoldStore implements HoldStore {
  constructor(private readonly pool: () => Promise<Pool>) {}

  private async query(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await (await this.pool()).query(sql, params)).rows as Row[];
  }

  async beginAuthorisation(a: Authorisation, idempotencyKey: string): ReturnType<HoldStore['beginAuthorisation']> {
    const key = keyDigest(idempotencyKey);
    // A new row, or the key's `failed` one started again under its own id (so the gateway's key is the same).
    const rows = await this.query(
      `INSERT INTO authorisations (authorisation_id, reservation_id, user_id, kind, amount_minor, currency, method, status, idempotency_key, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'processing', $8, $9, $9)
       ON CONFLICT (reservation_id, idempotency_key) DO UPDATE SET status = 'processing', updated_at = EXCLUDED.updated_at
       WHERE authorisations.status = 'failed'
       RETURNING *`,
      [a.authorisationId, a.reservationId, a.userId, a.kind, a.amountMinor, a.currency, a.method, key, a.createdAt],
    ).catch((err: { code?: string }) => {
      if (err.code === UNIQUE_VIOLATION) return undefined;
      throw err;
    });
    if (rows?.length) return { kind: 'started' as const, authorisation: toAuthorisation(rows[0]) };
    const [existing] = await this.query('SELECT * FROM authorisations WHERE reservation_id = $1 AND idempotency_key = $2', [
      a.reservationId,
      key,
    ]);
    if (existing) return { kind: 'exists' as const, authorisation: toAuthorisation(existing) };
    const [live] = await this.query(`SELECT * FROM authorisations WHERE reservation_id = $1 AND kind = $2 AND ${LIVE}`, [
      a.reservationId,
      a.kind,
    ]);
    // Neither: the live hold that refused this one ended meanwhile; try again.
    return live ? { kind: 'live' as const, authorisation: toAuthorisation(live) } : this.beginAuthorisation(a, idempotencyKey);
  }

  async finishAuthorisation(authorisationId: string, outcome: AuthorisationOutcome): Promise<Authorisation | undefined> {
    const authorised = outcome.status === 'authorised' ? outcome : undefined;
    const rows = await this.query(
      `WITH done AS (
         UPDATE authorisations SET status = $2, gateway = $3, gateway_reference = $4, expires_at = $5, decline_reason = $6, updated_at = now()
         WHERE authorisation_id = $1 AND status = 'processing' RETURNING *
       ), event AS (
         INSERT INTO outbox (event_type, payload)
         SELECT 'HoldAuthorised', jsonb_build_object('authorisationId', authorisation_id, 'reservationId', reservation_id, 'kind', kind, 'amountMinor', amount_minor)
         FROM done WHERE done.status = 'authorised'
       )
       SELECT * FROM done`,
      [
        authorisationId,
        outcome.status,
        outcome.status === 'failed' ? null : outcome.gateway,
        authorised?.reference ?? null,
        authorised?.expiresAt ?? null,
        outcome.status === 'declined' ? outcome.reason : null,
      ],
    );
    return rows[0] && toAuthorisation(rows[0]);
  }

  async getAuthorisation(authorisationId: string): Promise<Authorisation | undefined> {
    const [row] = await this.query('SELECT * FROM authorisations WHERE authorisation_id = $1', [authorisationId]);
    return row && toAuthorisation(row);
  }

  authorisationsOf(reservationId: string): Promise<Authorisation[]> {
    return authorisationsOf(this.pool, reservationId);
  }

  async operationsOf(reservationId: string): Promise<HoldOperation[]> {
    const rows = await this.query(
      `SELECT o.* FROM authorisation_operations o JOIN authorisations a ON a.authorisation_id = o.authorisation_id
       WHERE a.reservation_id = $1 ORDER BY o.created_at, o.operation_id`,
      [reservationId],
    );
    return rows.map(toOperation);
  }

  async beginOperation(op: HoldOperation, idempotencyKey: string) {
    const key = keyDigest(idempotencyKey);
    // Written only while the hold is `authorised` and the amount within it; the key's `failed` operation
    // (same kind and amount) is started again as one more attempt. A second live operation of the hold
    // is refused by the unique index, so two concurrent captures capture once.
    const rows = await this.query(
      `INSERT INTO authorisation_operations (operation_id, authorisation_id, kind, amount_minor, status, idempotency_key, created_at, updated_at)
       SELECT $1, authorisation_id, $3, $4, 'processing', $5, $6, $6 FROM authorisations
       WHERE authorisation_id = $2 AND status = 'authorised' AND $4 <= amount_minor - captured_minor
       ON CONFLICT (idempotency_key) DO UPDATE SET status = 'processing', attempts = authorisation_operations.attempts + 1,
         failure_reason = NULL, updated_at = EXCLUDED.updated_at
       WHERE authorisation_operations.status = 'failed' AND authorisation_operations.kind = EXCLUDED.kind
         AND authorisation_operations.amount_minor = EXCLUDED.amount_minor
       RETURNING *`,
      [op.operationId, op.authorisationId, op.kind, op.amountMinor, key, op.createdAt],
    ).catch((err: { code?: string }) => {
      if (err.code === UNIQUE_VIOLATION) return undefined;
      throw err;
    });
    if (rows?.length) return { kind: 'started' as const, operation: toOperation(rows[0]) };
    const [found] = await this.query(
      `SELECT to_jsonb(a) AS authorisation,
              (SELECT to_jsonb(o) FROM authorisation_operations o WHERE o.idempotency_key = $2) AS mine,
              (SELECT to_jsonb(o) FROM authorisation_operations o
                WHERE o.authorisation_id = a.authorisation_id AND o.status IN ('processing', 'succeeded')) AS live
       FROM authorisations a WHERE a.authorisation_id = $1`,
      [op.authorisationId, key],
    );
    if (found?.mine) return { kind: 'exists' as const, operation: toOperation(found.mine as Row) };
    const authorisation = toAuthorisation(found.authorisation as Row);
    const live = found?.live ? toOperation(found.live as Row) : undefined;
    if (authorisation.status !== 'authorised') return { kind: 'ended' as const, authorisation, ...(live ? { operation: live } : {}) };
    if (live) return { kind: 'busy' as const, operation: live };
    return { kind: 'exceeds' as const, amountMinor: authorisation.amountMinor - authorisation.capturedMinor };
  }

  async finishOperation(op: HoldOperation, outcome: OperationOutcome): Promise<boolean> {
    // The operation, its hold and the event in one statement: the captured amount is booked exactly when
    // the capture is recorded (the CHECK keeps it within the hold).
    const rows = await this.query(
      `WITH done AS (
         UPDATE authorisation_operations SET status = $2, failure_reason = $3, gateway_reference = $4, updated_at = now()
         WHERE operation_id = $1 AND status = 'processing' RETURNING *
       ), hold AS (
         UPDATE authorisations a SET status = $5,
           captured_minor = a.captured_minor + CASE WHEN done.status = 'succeeded' THEN done.amount_minor ELSE 0 END, updated_at = now()
         FROM done WHERE $5::text IS NOT NULL AND a.authorisation_id = done.authorisation_id AND a.status = 'authorised'
         RETURNING a.authorisation_id, a.reservation_id, a.kind, a.captured_minor
       ), event AS (
         INSERT INTO outbox (event_type, payload)
         SELECT $6, jsonb_build_object('authorisationId', hold.authorisation_id, 'reservationId', hold.reservation_id, 'kind', hold.kind,
           'operationId', done.operation_id, 'capturedMinor', hold.captured_minor, 'captureReference', done.gateway_reference)
         FROM hold, done WHERE $6::text IS NOT NULL
       )
       SELECT operation_id FROM done`,
      [
        op.operationId,
        outcome.status,
        outcome.failureReason ?? null,
        outcome.gatewayReference ?? null,
        outcome.authorisation ?? null,
        outcome.event ?? null,
      ],
    );
    return rows.length > 0;
  }

  async getOperation(operationId: string): Promise<HoldOperation | undefined> {
    const [row] = await this.query('SELECT * FROM authorisation_operations WHERE operation_id = $1', [operationId]);
    return row && toOperation(row);
  }

  async retryOperation(operationId: string): Promise<HoldOperation | undefined> {
    const [row] = await this.query(
      `UPDATE authorisation_operations SET status = 'processing', attempts = attempts + 1, failure_reason = NULL, updated_at = now()
       WHERE operation_id = $1 AND status = 'failed' RETURNING *`,
      [operationId],
    ).catch((err: { code?: string }) => {
      // Another operation of the hold went live meanwhile: this one is not needed any more.
      if (err.code === UNIQUE_VIOLATION) return [];
      throw err;
    });
    return row && toOperation(row);
  }

  async unsettled(before: string, limit: number) {
    const [operations, authorisations] = await Promise.all([
      this.query(
        `SELECT o.* FROM authorisation_operations o JOIN authorisations a USING (authorisation_id)
         WHERE o.updated_at < $1 AND (o.status = 'processing' OR (o.status = 'failed' AND o.kind IN ('void', 'release') AND a.status = 'authorised'))
         ORDER BY o.updated_at LIMIT $2`,
        [before, limit],
      ),
      this.query(`SELECT * FROM authorisations WHERE status = 'processing' AND updated_at < $1 ORDER BY updated_at LIMIT $2`, [
        before,
        limit,
      ]),
    ]);
    return { operations: operations.map(toOperation), authorisations: authorisations.map(toAuthorisation) };
  }
}
