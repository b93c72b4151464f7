import type { Authorisation, HoldOperation, HoldStore } from '../../lambdas/domain/payments/hold-ports';

const LIVE_HOLD = new Set(['processing', 'authorised']);
const LIVE_OPERATION = new Set(['processing', 'succeeded']);

/**
 * The hold store's rules in memory, for unit tests of the use cases: the same answers as
 * PostgresHoldStore (keys scoped by reservation, one live hold per reservation and kind, one live
 * operation per hold), each method atomic as one statement is. The outbox events are listed in `events`.
 */
export class MemoryHoldStore implements HoldStore {
  readonly authorisations = new Map<string, Authorisation & { key: string; updatedAt: string }>();
  readonly operations = new Map<string, HoldOperation & { key: string; updatedAt: string }>();
  readonly events: Array<{ type: string; authorisationId: string }> = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  private copy<T extends { key: string; updatedAt: string }>(row: T): Omit<T, 'key' | 'updatedAt'> {
    const { key: _key, updatedAt: _updated, ...rest } = row;
    return structuredClone(rest);
  }

  async beginAuthorisation(a: Authorisation, idempotencyKey: string) {
    const all = [...this.authorisations.values()];
    const mine = all.find((x) => x.reservationId === a.reservationId && x.key === idempotencyKey);
    const live = all.find((x) => x.reservationId === a.reservationId && x.kind === a.kind && LIVE_HOLD.has(x.status));
    if (mine && mine.status !== 'failed') return { kind: 'exists' as const, authorisation: this.copy(mine) };
    if (live) return { kind: 'live' as const, authorisation: this.copy(live) };
    const row = mine ?? { ...a, key: idempotencyKey, updatedAt: a.createdAt };
    Object.assign(row, { status: 'processing', updatedAt: this.now().toISOString() });
    this.authorisations.set(row.authorisationId, row);
    return { kind: 'started' as const, authorisation: this.copy(row) };
  }

  async finishAuthorisation(id: string, outcome: Parameters<HoldStore['finishAuthorisation']>[1]) {
    const row = this.authorisations.get(id);
    if (!row || row.status !== 'processing') return undefined;
    row.status = outcome.status;
    if (outcome.status !== 'failed') row.gateway = outcome.gateway;
    if (outcome.status === 'authorised') Object.assign(row, { gatewayReference: outcome.reference, expiresAt: outcome.expiresAt });
    if (outcome.status === 'declined') row.declineReason = outcome.reason;
    if (outcome.status === 'authorised') this.events.push({ type: 'HoldAuthorised', authorisationId: id });
    return this.copy(row);
  }

  async getAuthorisation(id: string) {
    const row = this.authorisations.get(id);
    return row && this.copy(row);
  }

  async authorisationsOf(reservationId: string) {
    return [...this.authorisations.values()].filter((a) => a.reservationId === reservationId).map((a) => this.copy(a));
  }

  async operationsOf(reservationId: string) {
    return [...this.operations.values()]
      .filter((o) => this.authorisations.get(o.authorisationId)?.reservationId === reservationId)
      .map((o) => this.copy(o));
  }

  async beginOperation(op: HoldOperation, idempotencyKey: string) {
    const hold = this.authorisations.get(op.authorisationId)!;
    const ops = [...this.operations.values()];
    const mine = ops.find((o) => o.key === idempotencyKey);
    const live = ops.find((o) => o.authorisationId === op.authorisationId && LIVE_OPERATION.has(o.status));
    const restart = mine?.status === 'failed' && mine.kind === op.kind && mine.amountMinor === op.amountMinor;
    if (hold.status === 'authorised' && !live && op.amountMinor <= hold.amountMinor - hold.capturedMinor && (!mine || restart)) {
      const row = mine ?? { ...op, key: idempotencyKey, updatedAt: op.createdAt };
      if (mine) Object.assign(row, { status: 'processing', attempts: mine.attempts + 1, failureReason: undefined });
      row.updatedAt = this.now().toISOString();
      this.operations.set(row.operationId, row);
      return { kind: 'started' as const, operation: this.copy(row) };
    }
    if (mine) return { kind: 'exists' as const, operation: this.copy(mine) };
    if (hold.status !== 'authorised')
      return { kind: 'ended' as const, authorisation: this.copy(hold), ...(live ? { operation: this.copy(live) } : {}) };
    if (live) return { kind: 'busy' as const, operation: this.copy(live) };
    return { kind: 'exceeds' as const, amountMinor: hold.amountMinor - hold.capturedMinor };
  }

  async finishOperation(op: HoldOperation, outcome: Parameters<HoldStore['finishOperation']>[1]) {
    const row = this.operations.get(op.operationId);
    if (!row || row.status !== 'processing') return false;
    Object.assign(row, { status: outcome.status, failureReason: outcome.failureReason, gatewayReference: outcome.gatewayReference });
    row.updatedAt = this.now().toISOString();
    const hold = this.authorisations.get(op.authorisationId)!;
    if (outcome.authorisation && hold.status === 'authorised') {
      hold.status = outcome.authorisation;
      if (outcome.status === 'succeeded') hold.capturedMinor += row.amountMinor;
      if (outcome.event) this.events.push({ type: outcome.event, authorisationId: hold.authorisationId });
    }
    return true;
  }

  async getOperation(id: string) {
    const row = this.operations.get(id);
    return row && this.copy(row);
  }

  async retryOperation(id: string) {
    const row = this.operations.get(id);
    if (!row || row.status !== 'failed') return undefined;
    Object.assign(row, { status: 'processing', attempts: row.attempts + 1, failureReason: undefined, updatedAt: this.now().toISOString() });
    return this.copy(row);
  }

  async unsettled(before: string, limit: number) {
    const operations = [...this.operations.values()].filter(
      (o) =>
        o.updatedAt < before &&
        (o.status === 'processing' ||
          (o.status === 'failed' && o.kind !== 'capture' && this.authorisations.get(o.authorisationId)?.status === 'authorised')),
    );
    const authorisations = [...this.authorisations.values()].filter((a) => a.status === 'processing' && a.updatedAt < before);
    return {
      operations: operations.slice(0, limit).map((o) => this.copy(o)),
      authorisations: authorisations.slice(0, limit).map((a) => this.copy(a)),
    };
  }
}
