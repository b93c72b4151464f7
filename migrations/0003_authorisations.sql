-- Holds (issue 20): amounts authorised now and captured later, for pay at pick-up (`rental`) and
-- security deposits (`deposit`). lambdas/adapters/payments/postgres-hold-store.ts writes these tables;
-- lambdas/domain/payments/holds.ts is the once-only logic around them.

-- Up Migration

create table authorisations (
  authorisation_id  uuid primary key,
  reservation_id    text not null,
  user_id           text not null,
  kind              text not null check (kind in ('rental', 'deposit')),
  amount_minor      bigint not null check (amount_minor > 0),
  -- What was taken of the hold: at most all of it, whatever races (one capture per authorisation, see below).
  captured_minor    bigint not null default 0 check (captured_minor >= 0 and captured_minor <= amount_minor),
  currency          char(3) not null check (currency ~ '^[A-Z]{3}$'),
  method            text not null,
  gateway           text null,
  gateway_reference text null,
  status            text not null check (status in
                      ('processing', 'authorised', 'declined', 'captured', 'partially_captured', 'voided', 'expired', 'failed')),
  decline_reason    text null,
  -- SHA-256 of the caller's key, scoped by reservation: a retry with the key finds this row.
  idempotency_key   text not null,
  expires_at        timestamptz null,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now()
);

-- At most one live hold (being authorised, or authorised) per reservation and kind.
create unique index authorisations_one_live on authorisations (reservation_id, kind) where status in ('processing', 'authorised');
create unique index authorisations_key on authorisations (reservation_id, idempotency_key);
-- The reconciler looks for authorisations left processing (since their last start).
create index authorisations_processing on authorisations (updated_at) where status = 'processing';

-- What ends a hold: a capture (all or part; the gateway releases the rest), a void, or a release
-- (a deposit's end: capture `amount_minor`, possibly 0, and release the rest).
create table authorisation_operations (
  operation_id      uuid primary key,
  authorisation_id  uuid not null references authorisations (authorisation_id),
  kind              text not null check (kind in ('capture', 'void', 'release')),
  amount_minor      bigint not null check (amount_minor >= 0),
  -- failed: the gateway could not be reached (retryable); refused: the gateway's final no.
  status            text not null check (status in ('processing', 'succeeded', 'failed', 'refused')),
  -- Each restart after `failed` is a new attempt, with a new key at the gateway (Stripe replays a 500 for a key).
  attempts          int not null default 1,
  failure_reason    text null,
  gateway_reference text null,
  idempotency_key   text not null unique,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now()
);

-- One operation per authorisation in flight or done: nothing is captured twice, a capture and a void never race.
create unique index authorisation_operations_one_live on authorisation_operations (authorisation_id)
  where status in ('processing', 'succeeded');
create index authorisation_operations_unsettled on authorisation_operations (updated_at) where status in ('processing', 'failed');

-- Down Migration

drop table authorisation_operations;
drop table authorisations;
