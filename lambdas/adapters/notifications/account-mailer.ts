import type { AccountMailer } from '../../domain/accounts/ports';
import { env } from '../../shared/config';
import { ENV } from '../../shared/env-names';
import { traced } from '../../shared/observability';
import { onFirstUse } from '../../shared/on-first-use';
import { SesAccountMailer } from './ses-email';
import { sdkClientConfig } from '../aws-client';

let mailer: AccountMailer | undefined;

/**
 * Account emails (verification codes) through SES, from the same sender as booking emails; its own
 * module so the accounts functions do not bundle SNS. The SES client is loaded on the first email (only
 * registration and a resend send one), not at init. Gives up as quickly as every SDK client (aws-client.ts).
 */
export const accountMailer = (): AccountMailer => {
  if (mailer) return mailer;
  const sender = env.optional(ENV.emailSender);
  const loaded = onFirstUse(async () => {
    const { SESv2Client } = await import('@aws-sdk/client-sesv2');
    return new SesAccountMailer(traced(new SESv2Client(sdkClientConfig())), sender);
  });
  return (mailer = { send: async (to, email) => (await loaded()).send(to, email) });
};
