-- No-shows (issue 20): a pay-now reservation not picked up is refunded what the no-show policy gives
-- back, as its own kind of refund (`no_show`, once per reservation: lambdas/domain/payments/ended.ts),
-- so the payments tables tell it from a cancellation's.

-- Up Migration

alter table refunds drop constraint refunds_source_check;
alter table refunds add constraint refunds_source_check check (source in ('cancellation', 'admin', 'lapsed_hold', 'no_show'));

-- Down Migration

alter table refunds drop constraint refunds_source_check;
alter table refunds add constraint refunds_source_check check (source in ('cancellation', 'admin', 'lapsed_hold'));
