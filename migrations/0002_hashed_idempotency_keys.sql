-- Idempotency keys are stored as their SHA-256 (hex), never as the client sent them (a client may put
-- a card number in one): lambdas/adapters/payments/postgres-payment-store.ts hashes every key it writes
-- or looks up, the same way as below. Admin refund keys are scoped by payment and admin
-- (`admin:<paymentId>:<hash of admin and key>`, lambdas/domain/payments/refunds.ts).
--
-- Existing rows: every stored key is hashed in place, so a client's retry of a key used before the
-- deploy still finds its answer. Admin refund keys stored before (`admin:<key>`, global) did not record
-- the admin: they are hashed into `admin:<paymentId>:legacy:<hash>`, which no new request names, so
-- they can never answer for another payment again (a retry of such a key after the deploy makes a new
-- refund, still never more than what is left of the payment).

-- Up Migration

update idempotency_keys set key = encode(sha256(convert_to(key, 'UTF8')), 'hex');
update payments set idempotency_key = encode(sha256(convert_to(idempotency_key, 'UTF8')), 'hex');
update refunds
  set idempotency_key = 'admin:' || payment_id || ':legacy:' || encode(sha256(convert_to(substr(idempotency_key, 7), 'UTF8')), 'hex')
  where idempotency_key like 'admin:%';

-- The reconciler (lambdas/domain/payments/reconcile.ts) looks for payments left processing.
create index payments_processing on payments (created_at) where status = 'processing';

-- Down Migration

drop index payments_processing;

-- A hash cannot be turned back into the key: the rows keep their hashed keys.
