#!/usr/bin/env node
/**
 * `npm run admin:create -- --email ops@example.com --name "Ops Person" [--password ...] [--no-mfa] [--local [port]]`
 *
 * Creates an admin: a Cognito user in the admin group with a profile, through the same use case as
 * registration (nothing is half-created). By default TOTP MFA is enrolled and its secret printed,
 * since admin routes refuse admins without MFA; with --no-mfa the admin enrols later through the API.
 *
 * Where: --local [port] targets a running `npm start` (default port: PORT or 3000), found through the
 * file it writes (local/runtime-file.ts). Otherwise the deployed stack named by the
 * environment: USER_POOL_ID, USER_POOL_CLIENT_ID and USERS_TABLE (the stack outputs UserPoolId,
 * UserPoolClientId and UsersTableName), with AWS credentials and AWS_REGION as for the AWS CLI.
 */
import './support/quiet-sdk-warnings';
import { parseArgs } from 'node:util';
import { generatePassword, brokenPasswordRules } from '../lambdas/domain/accounts/password-policy';
import { normalizeEmail } from '../lambdas/domain/accounts/model';
import { ENV } from '../lambdas/shared/env-names';
import { tables } from '../lambdas/shared/tables';
import { bootstrapAdmin } from '../lambdas/adapters/accounts/admin-bootstrap';
import { readRuntimeFile } from '../local/runtime-file';

const USAGE = 'Usage: npm run admin:create -- --email <email> --name "<name>" [--password <pw>] [--no-mfa] [--local [port]]';

const fail = (message: string): never => {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
};

/** Points the adapters at the target, as the stack does for a function; returns the API's URL if known. */
const configure = async (local: string | undefined): Promise<string | undefined> => {
  if (local !== undefined) {
    const runtime = await readRuntimeFile(local || process.env.PORT || 3000);
    Object.assign(process.env, runtime.env);
    return runtime.apiUrl;
  }
  const missing = [ENV.userPoolId, ENV.userPoolClientId, tables.users.envVar].filter((name) => !process.env[name]);
  if (missing.length) {
    fail(
      `Set ${missing.join(', ')} for a deployed stack (its outputs UserPoolId, UserPoolClientId, UsersTableName:\n` +
        '  aws cloudformation describe-stacks --stack-name CarRentalStack --query "Stacks[0].Outputs"),\n' +
        'or pass --local to use a running `npm start`.',
    );
  }
  return undefined;
};

const main = async () => {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
      'no-mfa': { type: 'boolean', default: false },
      local: { type: 'string' },
    },
    // `--local` alone (no port) must not swallow the next flag.
    args: process.argv
      .slice(2)
      .flatMap((a, i, all) => (a === '--local' && (!all[i + 1] || all[i + 1].startsWith('--')) ? ['--local='] : [a])),
  });
  if (!values.email || !/^[^@\s]+@[^@\s]+$/.test(values.email)) fail('--email is required and must be an email address.');
  if (!values.name?.trim()) fail('--name is required.');
  const password = values.password ?? generatePassword();
  const broken = brokenPasswordRules(password);
  if (broken.length) fail(`The password needs ${broken.join(', ')}.`);

  const apiUrl = await configure(values.local);
  const email = normalizeEmail(values.email!);
  const { profile, totp } = await bootstrapAdmin({ email, password, name: values.name!.trim() }, !values['no-mfa']);
  const api = apiUrl ?? '<API url>/v1';
  console.log(
    [
      `Admin created: ${profile.email} (userId ${profile.userId})`,
      values.password ? '  Password: the one you gave.' : `  Password: ${password}   (shown once; store it safely)`,
      ...(totp
        ? [
            `  MFA is on. TOTP secret: ${totp.secret}`,
            `  Add it to an authenticator app (otpauth URI: ${totp.otpauthUri})`,
            'Next: sign in with POST ' + api + '/users/login, then POST ' + api + '/users/login/mfa { session, code }.',
          ]
        : [
            '  MFA is OFF: admin routes refuse this admin until it is on.',
            `Next: sign in (POST ${api}/users/login), then POST ${api}/users/me/mfa/setup and /users/me/mfa/verify`,
            '  with X-Access-Token: <accessToken from the sign-in>, then sign in again with a code.',
          ]),
    ].join('\n'),
  );
};

main().catch((err: Error) => {
  console.error(`Could not create the admin: ${err.message}`);
  process.exit(1);
});
