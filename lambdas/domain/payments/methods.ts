import { cardNumberFields } from '../../shared/card-numbers';
import { validationError, type FieldIssue } from '../../shared/errors';
import { fieldIssues } from '../../shared/validation';
import * as z from '../../shared/zod';
import type { ChargeSource, GatewayId } from './gateway';

/**
 * Payment methods are strategies: each validates its own `details`, says which gateways may take it
 * (a primary, then a fallback) and turns the details into what a gateway charges. Adding a method is
 * one module like these and one line in `PAYMENT_METHODS`; the payment service does not change.
 */
export interface PaymentMethod<D = unknown> {
  id: string;
  label: string;
  /** Validated on its own, so each method names its own bad fields. */
  details: z.ZodMiniType<D>;
  /** Tried in order: the second takes the payment when the first is down (never after a decline). */
  gateways: readonly GatewayId[];
  source(details: D): ChargeSource;
}

/** Gateway tokens are opaque strings from the gateway's client SDK: short, printable, no spaces. */
const Token = z
  .string()
  .check(z.regex(/^[\w.:-]{3,255}$/, 'Must be a token from the payment provider (3 to 255 letters, digits, _ . : -).'));

export const creditCard: PaymentMethod<{ cardToken: string }> = {
  id: 'credit_card',
  label: 'Credit or debit card',
  details: z.strictObject({ cardToken: Token.check(z.meta({ description: 'A card token from the gateway (never a card number).' })) }),
  gateways: ['stripe', 'sandbox'],
  source: ({ cardToken }) => ({ type: 'card_token', token: cardToken }),
};

export const paypal: PaymentMethod<{ orderId: string }> = {
  id: 'paypal',
  label: 'PayPal',
  details: z.strictObject({ orderId: Token.check(z.meta({ description: 'The id of a PayPal order the customer approved.' })) }),
  gateways: ['paypal', 'sandbox'],
  source: ({ orderId }) => ({ type: 'paypal_order', orderId }),
};

const wallet = (id: 'apple_pay' | 'google_pay', label: string): PaymentMethod<{ walletToken: string }> => ({
  id,
  label,
  details: z.strictObject({ walletToken: Token.check(z.meta({ description: `The ${label} payment token.` })) }),
  gateways: ['stripe', 'sandbox'],
  source: ({ walletToken }) => ({ type: 'wallet_token', wallet: id, token: walletToken }),
});

export const applePay = wallet('apple_pay', 'Apple Pay');
export const googlePay = wallet('google_pay', 'Google Pay');

/** Each method's details have their own type; the registry holds them side by side. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyMethod = PaymentMethod<any>;

/** THE registry of methods on offer. */
export const PAYMENT_METHODS: readonly AnyMethod[] = [creditCard, paypal, applePay, googlePay];

export const methodById = (id: string): AnyMethod | undefined => PAYMENT_METHODS.find((m) => m.id === id);

/**
 * The method a request names and its validated details (a payment, a hold): 422 naming the fields for an
 * unknown method or bad details, and for anything that looks like a card number, checked before
 * anything is stored or logged (clients send gateway tokens, never numbers).
 */
export const chosenMethod = (paymentMethod: string, rawDetails: unknown): { method: AnyMethod; details: unknown } => {
  const pans = cardNumberFields({ details: rawDetails }).map((field) => ({
    field,
    message: 'Looks like a card number: send the gateway token instead, never the number.',
  }));
  if (pans.length) throw validationError(pans);
  const method = methodById(paymentMethod);
  const details = method?.details.safeParse(rawDetails);
  const issues: FieldIssue[] = [];
  if (!method) issues.push({ field: 'body.paymentMethod', message: 'Unknown payment method; GET /v1/payments/methods lists them.' });
  else if (details && !details.success) issues.push(...fieldIssues('body.details', details.error));
  if (issues.length || !method || !details?.success) throw validationError(issues);
  return { method, details: details.data };
};
