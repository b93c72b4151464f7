import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { AccountMailer } from '../../domain/accounts/ports';
import { dependencyUnavailable } from '../../shared/errors';
import { orUnavailable } from '../unavailable';

export interface PlainEmail {
  subject: string;
  text: string;
}

/**
 * One plain-text email through SES v2 (the local runtime's SES stand-in puts it in its mailbox). The SDK
 * package is imported on first use, not at init: only some paths of a function send email.
 */
export const sendPlainEmail = async (ses: SESv2Client, from: string, to: string, email: PlainEmail) => {
  const { SendEmailCommand } = await import('@aws-sdk/client-sesv2');
  return ses.send(
    new SendEmailCommand({
      FromEmailAddress: from,
      Destination: { ToAddresses: [to] },
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: email.text, Charset: 'UTF-8' } },
        },
      },
    }),
  );
};

/**
 * Emails an account's owner needs (verification codes). Unlike booking notifications these are not
 * best effort: the caller is told (503) when SES cannot take the email, or no sender is configured.
 */
export class SesAccountMailer implements AccountMailer {
  constructor(
    private readonly ses: SESv2Client,
    private readonly sender: string | undefined,
  ) {}

  async send(to: string, email: PlainEmail): Promise<void> {
    const from = this.sender;
    if (!from) throw dependencyUnavailable('email (no sender configured)');
    await orUnavailable('SES', () => sendPlainEmail(this.ses, from, to, email));
  }
}
