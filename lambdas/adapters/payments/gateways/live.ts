import type { PaymentGateway } from '../../../domain/payments/gateway';
import { ConfigError } from '../../../shared/config';
import { PayPalGateway } from './paypal-gateway';
import { StripeGateway } from './stripe-gateway';

/**
 * The real gateways, from the credentials secret (loaded only in `live` mode, so a sandbox deployment
 * never loads the Stripe or PayPal SDK). A gateway without credentials is left out: the router then
 * skips it, and a method whose gateways are all missing answers 503.
 */
export const liveGateways = (secret: {
  stripeSecretKey?: string;
  paypalClientId?: string;
  paypalClientSecret?: string;
}): PaymentGateway[] => {
  const gateways: PaymentGateway[] = [];
  if (secret.stripeSecretKey) gateways.push(new StripeGateway(secret.stripeSecretKey));
  if (secret.paypalClientId && secret.paypalClientSecret) {
    gateways.push(new PayPalGateway(secret.paypalClientId, secret.paypalClientSecret, { environment: 'production' }));
  }
  if (gateways.length === 0) throw new ConfigError('Live payments need Stripe or PayPal credentials in the payment gateway secret.');
  return gateways;
};
