import type { GatewayRouter, PaymentGateway } from '../../domain/payments/gateway';
import { ConfigError, env } from '../../shared/config';
import { ENV } from '../../shared/env-names';
import { onFirstUse } from '../../shared/on-first-use';
import { secretString } from '../secrets';
import { CircuitBreakingRouter } from './gateways/router';
import { SandboxGateway } from './gateways/sandbox-gateway';

/**
 * The payment gateways of this function instance. The other payment adapters have modules of their own
 * (`./store` for PostgreSQL, `./reservations` for the booking side), so a function that only reads
 * payments never loads a gateway SDK, Redis or the notifier.
 */

/**
 * The gateways of this deployment: `sandbox` moves no money (the local runtime's default, and a safe
 * default for a new stack); `live` reads Stripe and PayPal credentials from Secrets Manager once per
 * instance.
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

const gatewayRouter = onFirstUse(async () => new CircuitBreakingRouter(await gatewaysFromEnvironment()));

/** One router method, called on the router built on first use. */
const onRouter =
  <K extends keyof GatewayRouter>(name: K) =>
  async (...args: Parameters<GatewayRouter[K]>): Promise<Awaited<ReturnType<GatewayRouter[K]>>> => {
    const router = await gatewayRouter();
    const method = router[name] as (...a: Parameters<GatewayRouter[K]>) => Promise<Awaited<ReturnType<GatewayRouter[K]>>>;
    return method.apply(router, args);
  };

/** The gateway router, built on first use (its breakers live as long as the function instance). */
export const paymentGateways = (): GatewayRouter => ({
  charge: onRouter('charge'),
  refund: onRouter('refund'),
  lookup: onRouter('lookup'),
  authorise: onRouter('authorise'),
  capture: onRouter('capture'),
  void: onRouter('void'),
  release: onRouter('release'),
});
