import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { ENV } from '../../lambdas/shared/env-names';

export interface PaymentGatewaysProps {
  mode: 'sandbox' | 'live';
}

/**
 * Where payment functions find their gateways. `sandbox` moves no money; `live` creates the secret an
 * operator fills with the Stripe and PayPal credentials (JSON: stripeSecretKey, paypalClientId,
 * paypalClientSecret), read once per function instance.
 */
export class PaymentGateways extends Construct {
  readonly mode: 'sandbox' | 'live';
  readonly secret?: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: PaymentGatewaysProps) {
    super(scope, id);
    this.mode = props.mode;
    if (props.mode !== 'live') return;
    this.secret = new secretsmanager.Secret(this, 'Credentials', {
      description: 'Payment gateway credentials (Stripe, PayPal): fill in before taking live payments.',
      secretObjectValue: {},
    });
    NagSuppressions.addResourceSuppressions(this.secret, [
      { id: 'AwsSolutions-SMG4', reason: 'Third-party API keys: rotated in the Stripe and PayPal dashboards, then written here.' },
    ]);
  }

  /** The environment and the read grant a function that charges or refunds needs. */
  bind(fn: { addEnvironment(name: string, value: string): unknown } & iam.IGrantable): void {
    fn.addEnvironment(ENV.paymentGatewayMode, this.mode);
    if (!this.secret) return;
    fn.addEnvironment(ENV.paymentGatewaySecretArn, this.secret.secretArn);
    this.secret.grantRead(fn);
  }
}
