import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { AccountMailer } from '../../domain/accounts/ports';
import { env } from '../../shared/config';
import { ENV } from '../../shared/env-names';
import { traced } from '../../shared/observability';
import { SesAccountMailer } from './ses-email';

let mailer: AccountMailer | undefined;

/**
 * Account emails (verification codes) through SES, from the same sender as booking emails; its own
 * module so the accounts functions do not bundle SNS. Gives up as quickly as the booking notifier
 * (its options are repeated here: importing them from ./index would bundle SNS).
 */
export const accountMailer = (): AccountMailer =>
  (mailer ??= new SesAccountMailer(
    traced(new SESv2Client({ maxAttempts: 2, requestHandler: { connectionTimeout: 1_500, requestTimeout: 3_000 } })),
    env.optional(ENV.emailSender),
  ));
