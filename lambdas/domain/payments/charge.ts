import { AppError, dependencyUnavailable } from '../../shared/errors';
import { toDecimal } from '../money';
import { AllGatewaysUnavailable, type ChargeResult, type GatewayId } from './gateway';
import type { chosenMethod } from './methods';
import { paymentStatusLabel, type Payment, type PaymentDeps, type StoredResponse } from './ports';

/**
 * A charge, from the gateways to the payments table: what a booking's payment (pay.ts) and a change's
 * (change-money.ts) share. Apart from pay.ts so a change's function does not carry the booking's
 * payment flow (authorisations, the relay).
 */

/** What POST /payments answers (stored with the idempotency key, so a repeat gets the same). */
export const paymentBody = (p: Payment) => ({
  paymentId: p.paymentId,
  reservationId: p.reservationId,
  status: paymentStatusLabel(p.status),
  amount: toDecimal(p.amountMinor, p.currency),
  currency: p.currency,
  paymentMethod: p.method,
  gateway: p.gateway ?? null,
});

export const declined = (reason: string) => new AppError('PAYMENT_DECLINED', `The payment was declined: ${reason}`, { reason });

/**
 * Charges a processing payment through its method's gateways (primary, then fallback), with the
 * payment's own key at the gateway. When no gateway answers, nothing was charged: the payment is
 * recorded failed and a 503 thrown.
 */
export const chargeGateways = async (
  deps: Pick<PaymentDeps, 'gateways' | 'payments'>,
  payment: Payment,
  method: ReturnType<typeof chosenMethod>['method'],
  details: unknown,
  description: string,
): Promise<{ gateway: GatewayId; result: ChargeResult }> => {
  try {
    return await deps.gateways.charge(method.gateways, {
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      source: method.source(details),
      idempotencyKey: `pay_${payment.paymentId}`,
      description,
    });
  } catch (err) {
    if (!(err instanceof AllGatewaysUnavailable)) throw err;
    await deps.payments.finish(payment, 'failed', undefined);
    throw dependencyUnavailable('payment gateway', 30);
  }
};

/**
 * Records what the gateway answered about a processing payment: a decline, stored as the 422 its key
 * replays; a success, with its outbox event and its key's answer in one statement. The answer, and the
 * payment when it succeeded.
 */
export const storeCharge = async (
  deps: Pick<PaymentDeps, 'payments'>,
  payment: Payment,
  charged: { gateway: GatewayId; result: ChargeResult },
): Promise<{ response: StoredResponse; succeeded?: Payment }> => {
  if (charged.result.outcome === 'declined') {
    const { reason } = charged.result;
    const err = declined(reason);
    const response = { status: 422, body: { error: { code: 'PAYMENT_DECLINED', message: err.message, details: err.details } } };
    await deps.payments.finish({ ...payment, gateway: charged.gateway }, 'declined', reason, response);
    return { response };
  }
  const succeeded: Payment = { ...payment, gateway: charged.gateway, gatewayReference: charged.result.reference, status: 'succeeded' };
  const response = (p: Payment): StoredResponse => ({ status: 201, body: paymentBody(p) });
  await deps.payments.succeed(succeeded, response);
  return { response: response(succeeded), succeeded };
};
