import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { emailCodes } from '../../adapters/accounts/email-codes';
import { accountIdentities } from '../../adapters/accounts/identities';
import { accountProfiles } from '../../adapters/accounts/profiles';
import { accountMailer } from '../../adapters/notifications/account-mailer';
import { accountsRoutes as routes } from '../../api/routes/accounts';
import { resendEmailCode, verifyEmailCode } from '../../domain/accounts/email-verification';
import { httpHandler } from '../../http/handler';
import { callerOf } from './presenter';

const deps = () => ({ codes: emailCodes(), mailer: accountMailer(), profiles: accountProfiles(), identities: accountIdentities() });

const verify = httpHandler(routes.verifyEmail, async ({ principal, body }) => ({
  body: await verifyEmailCode(deps(), callerOf(principal).userId, body.code),
}));

const resend = httpHandler(routes.sendEmailCode, async ({ principal }) => ({
  status: 202,
  body: await resendEmailCode(deps(), callerOf(principal).userId),
}));

/** One function serves both email verification routes; API Gateway's resource says which. */
export const handler = (event: APIGatewayProxyEvent, context: Context) =>
  (event.resource === routes.sendEmailCode.path ? resend : verify)(event, context);
