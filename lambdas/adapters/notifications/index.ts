import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Notifier } from '../../domain/bookings/notifications';
import { env } from '../../shared/config';
import { ENV } from '../../shared/env-names';
import { traced } from '../../shared/observability';
import { SnsSesNotifier } from './sns-ses-notifier';

/**
 * Notifications are best effort and sent while a booking decision or request is in flight, so the
 * clients give up quickly rather than hold it up for the SDK's defaults. Endpoints come from the SDK's
 * own AWS_ENDPOINT_URL_SNS / AWS_ENDPOINT_URL_SESV2 when set: that is how the local runtime points them
 * at fauxqs and the SES stand-in.
 */
const QUICK = { maxAttempts: 2, requestHandler: { connectionTimeout: 1_500, requestTimeout: 3_000 } };

let notifier: Notifier | undefined;

/** One notifier per function instance, built on first use from the function's environment. */
export const bookingNotifier = (): Notifier =>
  (notifier ??= new SnsSesNotifier(traced(new SNSClient(QUICK)), traced(new SESv2Client(QUICK)), {
    topicArn: env.required(ENV.notificationsTopicArn),
    sender: env.optional(ENV.emailSender),
  }));
