import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface NotificationsProps {
  /** SES-verified sender of customer emails; without it only topic events are published. */
  emailSender?: string;
}

/**
 * Booking life-cycle events: an SNS topic other consumers subscribe to (payments' refunds, analytics),
 * and customer emails through SES from a verified sender.
 */
export class Notifications extends Construct {
  readonly topic: sns.Topic;
  readonly emailSender?: string;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.emailSender = props.emailSender;
    this.topic = new sns.Topic(this, 'BookingEvents', {
      displayName: 'Car rental booking events',
      masterKey: kms.Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
      enforceSSL: true,
    });
  }

  /** Delivers the events of these types to a queue, as sent (raw), e.g. cancellations to payments. */
  subscribe(queue: sqs.IQueue, eventTypes: readonly string[]): void {
    this.topic.addSubscription(
      new subscriptions.SqsSubscription(queue, {
        rawMessageDelivery: true,
        filterPolicy: { type: sns.SubscriptionFilter.stringFilter({ allowlist: [...eventTypes] }) },
      }),
    );
  }

  /** Publish events to the topic (emails: grantSendEmail). */
  grantPublish(grantee: iam.IGrantable): void {
    this.topic.grantPublish(grantee);
  }

  /** Send emails from the configured sender, when there is one (SES checks sender and, in its sandbox, recipients). */
  grantSendEmail(grantee: iam.IGrantable): void {
    if (!this.emailSender) return;
    const stack = Stack.of(this);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' })],
      }),
    );
  }
}
