import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SNSClient } from '@aws-sdk/client-sns';
import { emailFor } from '../../domain/bookings/emails';
import type { BookingEvent, Notifier } from '../../domain/bookings/notifications';
import { logger } from '../../shared/logger';
import { sendPlainEmail } from './ses-email';

export interface SnsSesNotifierConfig {
  topicArn: string;
  /** SES-verified sender; without one, customer emails are skipped (events are still published). */
  sender?: string;
}

/**
 * Booking events to the SNS topic (for other consumers) and customer emails through SES v2. Both are
 * best effort, as the Notifier port promises: the change they report is already decided and stored, so
 * a failure is logged (without the customer's address) and never thrown back at the caller.
 */
export class SnsSesNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly ses: SESv2Client,
    private readonly config: SnsSesNotifierConfig,
  ) {}

  async publish(event: BookingEvent): Promise<void> {
    // Independent channels: one being down must not delay or drop the other.
    await Promise.all([
      this.attempt('event', event, () => this.publishEvent(event)),
      this.attempt('email', event, () => this.sendEmail(event)),
    ]);
  }

  private async publishEvent(event: BookingEvent): Promise<void> {
    // The SDK packages are imported on first use, not at init (see ./index.ts).
    const { PublishCommand } = await import('@aws-sdk/client-sns');
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.config.topicArn,
        Message: JSON.stringify(event),
        // As an attribute so subscribers can filter on it with a subscription filter policy.
        MessageAttributes: { type: { DataType: 'String', StringValue: event.type } },
      }),
    );
  }

  private async sendEmail(event: BookingEvent): Promise<void> {
    const to = event.reservation.contactEmail;
    const email = emailFor(event);
    if (!to || !this.config.sender || !email) return;
    await sendPlainEmail(this.ses, this.config.sender, to, email);
  }

  private async attempt(channel: 'event' | 'email', event: BookingEvent, send: () => Promise<void>): Promise<void> {
    try {
      await send();
    } catch (err) {
      // SES names the rejected address in some messages (e.g. an unverified one in the sandbox): keep it out of the logs.
      const { name, message } = err as Error;
      const to = event.reservation.contactEmail;
      logger.error(`Booking notification not sent (${channel})`, {
        channel,
        eventType: event.type,
        reservationId: event.reservation.reservationId,
        error: { name, message: to ? String(message).replaceAll(to, '<contactEmail>') : message },
      });
    }
  }
}
