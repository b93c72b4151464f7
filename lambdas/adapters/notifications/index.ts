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

/**
 * One notifier per function instance. Its configuration is read at once (a missing topic fails the cold
 * start), but the SNS and SES clients are loaded on the first event: the functions that notify do so on
 * some paths only (a decision, a cancellation), and two SDK clients at init slow every cold start.
 */
export const bookingNotifier = (): Notifier => {
  if (notifier) return notifier;
  const config = { topicArn: env.required(ENV.notificationsTopicArn), sender: env.optional(ENV.emailSender) };
  let loaded: Promise<Notifier> | undefined;
  const load = async () => {
    const [{ SNSClient }, { SESv2Client }] = await Promise.all([import('@aws-sdk/client-sns'), import('@aws-sdk/client-sesv2')]);
    return new SnsSesNotifier(traced(new SNSClient(QUICK)), traced(new SESv2Client(QUICK)), config);
  };
  return (notifier = { publish: async (event) => (await (loaded ??= load())).publish(event) });
};
