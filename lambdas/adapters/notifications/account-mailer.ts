import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { AccountMailer } from '../../domain/accounts/ports';
import { env } from '../../shared/config';
import { ENV } from '../../shared/env-names';
import { traced } from '../../shared/observability';
import { sdkClientConfig } from '../aws-client';
import { SesAccountMailer } from './ses-email';

let mailer: AccountMailer | undefined;

/**
 * Account emails (verification codes) through SES, from the same sender as booking emails; its own
 * module so the accounts functions do not bundle SNS. Gives up as quickly as every SDK client (aws-client.ts).
 */
export const accountMailer = (): AccountMailer =>
  (mailer ??= new SesAccountMailer(
    traced(new SESv2Client(sdkClientConfig())),
    env.optional(ENV.emailSender),
  ));
