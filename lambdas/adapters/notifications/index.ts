import type { Notifier } from '../../domain/bookings/notifications';
import { env } from '../../shared/config';
import { ENV } from '../../shared/env-names';
import { traced } from '../../shared/observability';
import { onFirstUse } from '../../shared/on-first-use';
import { SnsSesNotifier } from './sns-ses-notifier';
import { sdkClientConfig } from '../aws-client';

let notifier: Notifier | undefined;

/**
 * One notifier per function instance. Its configuration is read at once (a missing topic fails the cold
 * start), but the SNS and SES clients are loaded on the first event: the functions that notify do so on
 * some paths only (a decision, a cancellation), and two SDK clients at init slow every cold start.
 */
export const bookingNotifier = (): Notifier => {
  if (notifier) return notifier;
  const config = { topicArn: env.required(ENV.notificationsTopicArn), sender: env.optional(ENV.emailSender) };
  const loaded = onFirstUse(async () => {
    const [{ SNSClient }, { SESv2Client }] = await Promise.all([import('@aws-sdk/client-sns'), import('@aws-sdk/client-sesv2')]);
    return new SnsSesNotifier(traced(new SNSClient(sdkClientConfig())), traced(new SESv2Client(sdkClientConfig())), config);
  });
  return (notifier = { publish: async (event) => (await loaded()).publish(event) });
};
