/**
 * The Stripe and PayPal SDKs, behind a path of our own so that the bundles ship them as a sidecar beside
 * index.js (lib/bundling/sidecars.ts): about 850 KB that only live payment mode loads, on the first charge
 * or refund. Only the SDKs are here: our gateway classes and the errors they throw stay in the function's
 * bundle, so `instanceof GatewayUnavailable` and the shared logger mean the same thing on both sides.
 */
export { default as Stripe } from 'stripe';
export * from '@paypal/paypal-server-sdk';
