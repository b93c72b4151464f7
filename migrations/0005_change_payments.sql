-- Changes and extensions (issue 20): a change that raises a reservation's price is paid by a payment of
-- its own (change_id), beside the booking's; one that lowers it is refunded (source 'change').
-- lambdas/domain/payments/change-money.ts writes them.

-- Up Migration

alter table payments add column change_id text null;
-- At most one payment in flight or taken for the booking, and one per change.
drop index payments_one_live_per_reservation;
create unique index payments_one_live_per_reservation on payments (reservation_id, coalesce(change_id, ''))
  where status in ('processing', 'succeeded');
alter table refunds drop constraint refunds_source_check;
alter table refunds add constraint refunds_source_check check (source in ('cancellation', 'admin', 'lapsed_hold', 'no_show', 'change'));

-- Down Migration

alter table refunds drop constraint refunds_source_check;
alter table refunds add constraint refunds_source_check check (source in ('cancellation', 'admin', 'lapsed_hold', 'no_show'));
drop index payments_one_live_per_reservation;
create unique index payments_one_live_per_reservation on payments (reservation_id) where status in ('processing', 'succeeded');
alter table payments drop column change_id;
