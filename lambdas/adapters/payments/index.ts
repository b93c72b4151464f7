import { randomUUID } from 'node:crypto';
import type { PaymentGateway } from '../../domain/payments/gateway';
import type { PaymentDeps } from '../../domain/payments/ports';
import { confirmReservation } from '../../domain/bookings/lifecycle';
import { clock } from '../../shared/clock';
import { ConfigError, env } from '../../shared/config';
import { ENV } from '../../shared/env-names';
import { bookingDeps } from '../bookings';
import { bookingNotifier } from '../notifications';
import { postgresPool } from '../postgres';
import { secretString } from '../secrets';
import { CircuitBreakingRouter } from './gateways/router';
import { SandboxGateway } from './gateways/sandbox-gateway';
import { PostgresPaymentStore } from './postgres-payment-store';

/**
 * The gateways of this deployment: `sandbox` moves no money (the local runtime's default, and a safe
 * default for a new stack); `live` reads Stripe and PayPal credentials from Secrets Manager once per
 * instance and loads their SDKs only then.
 */
const gatewaysFromEnvironment = async (): Promise<PaymentGateway[]> => {
  const mode = env.required(ENV.paymentGatewayMode);
  if (mode === 'sandbox') return [new SandboxGateway()];
  if (mode !== 'live') throw new ConfigError(`${ENV.paymentGatewayMode} must be sandbox or live, got "${mode}"`);
  const secret = JSON.parse(await secretString(env.required(ENV.paymentGatewaySecretArn))) as {
    stripeSecretKey?: string;
    paypalClientId?: string;
    paypalClientSecret?: string;
  };
  const { liveGateways } = await import('./gateways/live');
  return liveGateways(secret);
};

let router: Promise<CircuitBreakingRouter> | undefined;
const gatewayRouter = () => {
  router ??= gatewaysFromEnvironment().then((gateways) => new CircuitBreakingRouter(gateways));
  router.catch(() => (router = undefined));
  return router;
};

/** The payment use cases' dependencies, each built on first use (see bookingDeps). */
export const paymentDeps = (): PaymentDeps => {
  let store: PostgresPaymentStore | undefined;
  let booking: ReturnType<typeof bookingDeps> | undefined;
  const bookings = () => (booking ??= bookingDeps());
  return {
    get payments() {
      return (store ??= new PostgresPaymentStore(postgresPool));
    },
    reservations: {
      get: (id) => bookings().reservations.get(id),
      confirm: (id) => confirmReservation(bookings(), id),
    },
    gateways: {
      charge: async (order, request) => (await gatewayRouter()).charge(order, request),
      refund: async (gateway, request) => (await gatewayRouter()).refund(gateway, request),
    },
    notices: {
      refundedLate: (reservation, amountMinor) =>
        bookingNotifier().publish({
          type: 'LatePaymentRefunded',
          reservation: { ...reservation, refund: { percent: 100, amountMinor } },
          at: clock.now().toISOString(),
        }),
    },
    clock,
    newId: () => randomUUID(),
  };
};
