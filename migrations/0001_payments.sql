-- Payments schema (issue 8): payments, refunds, idempotency keys and the outbox, in one migration.
-- Run by node-pg-migrate (lambdas/adapters/payments/migrate.ts) in one transaction with its bookkeeping
-- row: `npm run db:migrate`, at `npm start`, and on deploy (lib/constructs/database-migrations.ts).
-- Migrations are append-only: once deployed, change the schema with a new numbered file, never by
-- editing this one. Names are unqualified, so they land in the schema the runner sets (search_path).

-- Up Migration

-- Money is an integer number of minor units (cents) with its ISO 4217 currency.
create table payments (
  payment_id        uuid primary key,
  reservation_id    text not null,
  user_id           text not null,
  amount_minor      bigint not null check (amount_minor > 0),
  currency          char(3) not null,
  method            text not null,
  gateway           text null,
  gateway_reference text null,
  status            text not null check (status in ('processing', 'succeeded', 'declined', 'failed')),
  decline_reason    text null,
  refunded_minor    bigint not null default 0 check (refunded_minor >= 0 and refunded_minor <= amount_minor),
  idempotency_key   text not null,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now()
);

-- A reservation has at most one payment in flight or taken; declined and failed attempts may repeat.
create unique index payments_one_live_per_reservation on payments (reservation_id)
  where status in ('processing', 'succeeded');
create index payments_reservation on payments (reservation_id);
create index payments_user_created on payments (user_id, created_at desc);

create table refunds (
  refund_id         uuid primary key,
  payment_id        uuid not null references payments (payment_id),
  amount_minor      bigint not null check (amount_minor > 0),
  reason            text not null,
  source            text not null check (source in ('cancellation', 'admin', 'lapsed_hold')),
  status            text not null check (status in ('processing', 'succeeded', 'failed')),
  gateway_reference text null,
  idempotency_key   text not null unique,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now()
);
create index refunds_payment on refunds (payment_id);

-- A repeated request with the same key replays the stored answer; the same key with another body is 422.
create table idempotency_keys (
  user_id         text not null,
  key             text not null,
  request_hash    text not null,
  status          text not null check (status in ('in_progress', 'done')),
  response_status int null,
  response_body   jsonb null,
  created_at      timestamptz not null default now(),
  primary key (user_id, key)
);

-- Written in the same transaction as the payment; a relay publishes and stamps published_at.
create table outbox (
  id           bigserial primary key,
  event_type   text not null,
  payload      jsonb not null,
  created_at   timestamptz not null default now(),
  published_at timestamptz null,
  attempts     int not null default 0,
  last_error   text null
);
create index outbox_unpublished on outbox (id) where published_at is null;

-- Down Migration

drop table outbox;
drop table idempotency_keys;
drop table refunds;
drop table payments;
